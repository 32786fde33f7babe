package dev.lambdo.codec;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The codec server's one page: a form that takes its token once and gives the browser a session
 * cookie, so the Temporal Web UI open in the same browser can have payloads decoded.
 */
final class SignInPage {
  private static final DateTimeFormatter UNTIL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);

  private SignInPage() {}

  static String signedIn(Instant until) {
    return page("""
        <p>This browser is signed in until %s: the Temporal Web UI open in it can show encrypted
        payloads through this codec server.</p>
        <form method="post" action="logout"><button type="submit">Sign out</button></form>"""
        .formatted(UNTIL.format(until)));
  }

  static String signIn(boolean wrongToken) {
    return page((wrongToken ? "<p role=\"alert\"><strong>That is not the token.</strong></p>\n" : "") + """
        <form method="post" action="login">
          <label>Codec server token (LAMBDO_CODEC_SERVER_TOKEN)
            <input type="password" name="token" autocomplete="current-password" required autofocus></label>
          <button type="submit">Sign in</button>
        </form>""");
  }

  private static String page(String body) {
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Lambdo codec server</title></head>
        <body>
        <h1>Lambdo codec server</h1>
        %s
        <p>In the Web UI, open the codec server settings, give this server's address as the
        endpoint and turn on <em>Include cross-origin credentials</em> (the README, "Encrypted
        payloads").</p>
        </body></html>
        """.formatted(body);
  }
}

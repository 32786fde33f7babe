package dev.lambdo.codec;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@code /login} (the page, and its form's POST) and {@code /logout}. Both POSTs take only forms
 * from the codec server's own page: a browser says where a request comes from ({@code
 * Sec-Fetch-Site}), and a page elsewhere must not sign a visitor in or out. The page may not be
 * framed, so no other site can dress it up.
 */
final class SignInHandler {
  /** A form with a token in it is far smaller; a larger body is refused before it is read. */
  static final int MAX_FORM_BYTES = 4096;

  private final CodecAccess access;

  SignInHandler(CodecAccess access) {
    this.access = access;
  }

  void login(HttpExchange ex) throws IOException {
    try (ex) {
      if (!CodecServer.exactPath(ex, "/login") || !fromOwnPage(ex)) {
        return;
      }
      ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      ex.getResponseHeaders().add("Cache-Control", "no-store");
      ex.getResponseHeaders().add("X-Frame-Options", "DENY");
      ex.getResponseHeaders().add("Content-Security-Policy", "frame-ancestors 'none'");
      switch (ex.getRequestMethod()) {
        case "GET" -> CodecServer.send(ex, 200, access.signedInUntil(ex)
            .map(SignInPage::signedIn).orElseGet(() -> SignInPage.signIn(false)));
        case "POST" -> {
          Optional<String> form = form(ex);
          if (form.isEmpty()) {
            return;
          }
          String given;
          try {
            given = field(form.get(), "token");
          } catch (IllegalArgumentException e) {
            CodecServer.send(ex, 400, "the form is not URL-encoded");
            return;
          }
          if (!access.isToken(given)) {
            CodecServer.send(ex, 401, SignInPage.signIn(true));
            return;
          }
          ex.getResponseHeaders().add("Set-Cookie", access.signInCookie());
          redirectToSignIn(ex);
        }
        default -> CodecServer.send(ex, 405, "GET or POST only");
      }
    }
  }

  void logout(HttpExchange ex) throws IOException {
    try (ex) {
      if (!CodecServer.exactPath(ex, "/logout") || !fromOwnPage(ex)) {
        return;
      }
      if (!ex.getRequestMethod().equals("POST")) {
        CodecServer.send(ex, 405, "POST only");
        return;
      }
      ex.getResponseHeaders().add("Set-Cookie", CodecAccess.signOutCookie());
      redirectToSignIn(ex);
    }
  }

  /** Browsers send {@code Sec-Fetch-Site}; other clients (curl, tests) do not, and may post. */
  private static boolean fromOwnPage(HttpExchange ex) throws IOException {
    String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (ex.getRequestMethod().equals("POST") && site != null && !site.equals("same-origin")) {
      CodecServer.send(ex, 403, "sign in on this server's own page");
      return false;
    }
    return true;
  }

  private static Optional<String> form(HttpExchange ex) throws IOException {
    try (InputStream body = ex.getRequestBody()) {
      byte[] bytes = body.readNBytes(MAX_FORM_BYTES + 1);
      if (bytes.length > MAX_FORM_BYTES) {
        CodecServer.send(ex, 413, "a sign-in form is at most " + MAX_FORM_BYTES + " bytes");
        return Optional.empty();
      }
      return Optional.of(new String(bytes, StandardCharsets.UTF_8));
    }
  }

  private static String field(String form, String name) {
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
  }

  /** Relative, so the page still works when a proxy serves this server under a path. */
  private static void redirectToSignIn(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().add("Location", "login");
    ex.sendResponseHeaders(303, -1);
  }
}

package dev.lambdo.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.Secret;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The signed cookie a browser holds after signing in to the codec server with its token. */
class CodecSessionTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");
  private final CodecSession sessions = new CodecSession(new Secret("s3cret"));

  @Test
  void aSessionHoldsForItsLifetimeAndNoLonger() {
    String cookie = sessions.issue(NOW);

    assertTrue(sessions.valid(cookie, NOW.plus(CodecSession.LIFETIME).minusSeconds(1)));
    assertFalse(sessions.valid(cookie, NOW.plus(CodecSession.LIFETIME).plusSeconds(1)));
  }

  @Test
  void theCookieCarriesNoTokenAndCannotBeForged() {
    String cookie = sessions.issue(NOW);

    assertFalse(cookie.contains("s3cret"), cookie);
    // Moving the expiry breaks the signature; so does a cookie another token signed.
    String expiry = cookie.substring(0, cookie.indexOf('.'));
    String later = Long.toString(Long.parseLong(expiry) + 86_400) + cookie.substring(cookie.indexOf('.'));
    assertFalse(sessions.valid(later, NOW));
    assertFalse(sessions.valid(new CodecSession(new Secret("other")).issue(NOW), NOW));
    for (String junk : new String[] {null, "", ".", "x.y", "123", "123.", "99999999999999999999.abc"}) {
      assertFalse(sessions.valid(junk, NOW), junk);
    }
  }
}

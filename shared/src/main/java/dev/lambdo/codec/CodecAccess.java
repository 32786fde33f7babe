package dev.lambdo.codec;

import com.sun.net.httpserver.HttpExchange;
import dev.lambdo.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who may use the codec server: whoever sends {@code Authorization: Bearer <token>} (the temporal
 * CLI), or a browser holding a live session cookie from signing in with the token ({@link
 * CodecSession}). Either is enough: a Web UI with a login of its own sends its access token as a
 * bearer, which must not hide the cookie beside it.
 */
final class CodecAccess {
  static final String COOKIE = "lambdo-codec";
  private static final String BEARER = "Bearer ";

  private final byte[] tokenDigest;
  private final CodecSession sessions;
  private final Clock clock;

  CodecAccess(Secret token, Clock clock) {
    this.tokenDigest = digest(token.reveal());
    this.sessions = new CodecSession(token);
    this.clock = clock;
  }

  boolean allows(HttpExchange ex) {
    String authorization = ex.getRequestHeaders().getFirst("Authorization");
    boolean bearer = authorization != null && authorization.startsWith(BEARER)
        && isToken(authorization.substring(BEARER.length()));
    return bearer || signedInUntil(ex).isPresent();
  }

  /** Compares digests, so neither the token's bytes nor its length show in the time taken. */
  boolean isToken(String given) {
    return MessageDigest.isEqual(tokenDigest, digest(given));
  }

  /** When the browser's session ends, if it holds a live one. */
  Optional<Instant> signedInUntil(HttpExchange ex) {
    Instant now = clock.instant();
    // A browser may hold more than one (an old one for another path): any live one will do.
    return cookies(ex).stream().filter(c -> sessions.valid(c, now)).map(sessions::expiry)
        .max(Instant::compareTo);
  }

  String signInCookie() {
    return COOKIE + "=" + sessions.issue(clock.instant()) + "; Path=/; Max-Age="
        + CodecSession.LIFETIME.toSeconds() + "; HttpOnly; Secure; SameSite=Strict";
  }

  static String signOutCookie() {
    return COOKIE + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict";
  }

  private static List<String> cookies(HttpExchange ex) {
    return ex.getRequestHeaders().getOrDefault("Cookie", List.of()).stream()
        .flatMap(header -> List.of(header.split(";")).stream())
        .map(String::trim)
        .filter(pair -> pair.startsWith(COOKIE + "="))
        .map(pair -> pair.substring(COOKIE.length() + 1))
        .toList();
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}

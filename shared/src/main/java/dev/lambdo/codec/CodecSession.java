package dev.lambdo.codec;

import dev.lambdo.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cookie a browser gets for signing in to the codec server: {@code <expiry>.<HMAC of it>},
 * keyed by the server's token. The Web UI has no way to send a bearer token of ours (it passes
 * only its own login's access token), but it can send cookies ({@code includeCredentials}); a
 * signed expiry needs no store, ends by itself, and shows nothing of the token. Changing the
 * token ends every session.
 */
final class CodecSession {
  static final Duration LIFETIME = Duration.ofHours(12);
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  CodecSession(Secret token) {
    key = new SecretKeySpec(("lambdo codec session:" + token.reveal()).getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  String issue(Instant now) {
    String expiry = Long.toString(now.plus(LIFETIME).getEpochSecond());
    return expiry + "." + sign(expiry);
  }

  boolean valid(String cookie, Instant now) {
    if (cookie == null) {
      return false;
    }
    int dot = cookie.indexOf('.');
    if (dot <= 0 || dot == cookie.length() - 1) {
      return false;
    }
    String expiry = cookie.substring(0, dot);
    byte[] expected = sign(expiry).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, cookie.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
      return false;
    }
    try {
      return now.getEpochSecond() < Long.parseLong(expiry);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** When a {@link #valid} session ends. */
  Instant expiry(String cookie) {
    return Instant.ofEpochSecond(Long.parseLong(cookie.substring(0, cookie.indexOf('.'))));
  }

  private String sign(String expiry) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(expiry.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }
}

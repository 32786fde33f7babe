package dev.lambdo.devkit.emulator;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Identifiers shaped like Fly's: 14 hex characters for machines, 26-character ULIDs for versions and events. */
final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

  private Ids() {}

  static String machineId() {
    byte[] bytes = new byte[7];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Time-ordered, so event ids sort like Fly's. */
  static synchronized String ulid() {
    long time = System.currentTimeMillis();
    char[] out = new char[26];
    for (int i = 9; i >= 0; i--) {
      out[i] = CROCKFORD[(int) (time & 31)];
      time >>>= 5;
    }
    for (int i = 10; i < 26; i++) {
      out[i] = CROCKFORD[RANDOM.nextInt(32)];
    }
    return new String(out);
  }
}

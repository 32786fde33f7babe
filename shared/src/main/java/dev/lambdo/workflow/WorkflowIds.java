package dev.lambdo.workflow;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.TreeSet;

/** Batch workflow ids come from the message ids, so starting the same batch twice is a no-op. */
public final class WorkflowIds {
  public static final String PREFIX = "lambdo-";

  private WorkflowIds() {}

  public static String forMessages(Collection<String> messageIds) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String id : new TreeSet<>(messageIds)) {
        sha.update(id.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return PREFIX + HexFormat.of().formatHex(sha.digest(), 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}

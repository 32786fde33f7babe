package dev.lambdo.event;

import java.util.List;

/**
 * The names of the message attributes an event is sent with. The first three are the Go
 * original's; the rest are Lambdo-on-Temporal's. {@link MessageParser} reads them, the producer
 * API writes them: one list, so the two never disagree.
 */
public final class Attributes {
  public static final String IMAGE = "image";
  public static final String SIZE = "size";
  /** A JSON array of strings: the Docker {@code CMD} equivalent. */
  public static final String COMMAND = "command";
  public static final String REGION = "region";
  /** A JSON object of strings added to the machine's env. */
  public static final String ENV = "env";
  public static final String TIMEOUT = "timeout";
  public static final String RETRIES = "retries";
  public static final String CPUS = "cpus";
  public static final String MEMORY_MB = "memory_mb";
  public static final String CPU_KIND = "cpu_kind";
  public static final String GPU_KIND = "gpu_kind";

  /** Every attribute Lambdo reads, in the order the README lists them. */
  public static final List<String> ALL =
      List.of(IMAGE, SIZE, COMMAND, REGION, ENV, TIMEOUT, RETRIES, CPUS, MEMORY_MB, CPU_KIND, GPU_KIND);
  /** The attributes that shape the machine's guest. */
  public static final List<String> GUEST = List.of(SIZE, CPUS, MEMORY_MB, CPU_KIND, GPU_KIND);

  private Attributes() {}
}

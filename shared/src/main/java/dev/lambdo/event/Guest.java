package dev.lambdo.event;

/**
 * A machine's CPU, memory and GPU, as Fly's {@code config.guest} takes it.
 *
 * @param gpuKind null for no GPU
 */
public record Guest(String cpuKind, int cpus, int memoryMb, String gpuKind, int gpus) {
  public Guest {
    if (!"shared".equals(cpuKind) && !"performance".equals(cpuKind)) {
      throw new IllegalArgumentException("cpuKind must be shared or performance, was " + cpuKind);
    }
    if (cpus < 1) {
      throw new IllegalArgumentException("cpus must be >= 1, was " + cpus);
    }
    if (memoryMb < 256) {
      throw new IllegalArgumentException("memoryMb must be >= 256, was " + memoryMb);
    }
  }

  public static Guest cpu(String cpuKind, int cpus, int memoryMb) {
    return new Guest(cpuKind, cpus, memoryMb, null, 0);
  }
}

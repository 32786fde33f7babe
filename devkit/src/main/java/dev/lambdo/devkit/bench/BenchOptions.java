package dev.lambdo.devkit.bench;

import java.util.List;

/**
 * {@code ./lambdo bench}'s options, their defaults and their checks in one place.
 *
 * @param phases the phases to run, in the bench's order; all by default
 * @param dbOnDisk {@code --temporal-db file}: the Temporal server keeps its database on disk
 * @param latencyWarmUp {@code --latency-warm-up N}: unmeasured latency rounds before the measured ones
 */
record BenchOptions(List<String> phases, boolean dbOnDisk, int latencyWarmUp) {
  /**
   * With three rounds the worker's first workflow task took 20-25 ms of code the JIT had not
   * compiled yet; after forty, 10 ms. More rounds make every side faster still, the baseline most
   * (see the README's Performance section), and the phase longer: forty keep the bench under its
   * ten minutes.
   */
  static final int DEFAULT_LATENCY_WARM_UP = 40;

  /** @throws IllegalArgumentException saying which option is wrong and why */
  static BenchOptions parse(String[] args, List<String> allPhases) {
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("every option takes a value");
    }
    List<String> phases = allPhases;
    boolean dbOnDisk = false;
    int latencyWarmUp = DEFAULT_LATENCY_WARM_UP;
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--phases" -> phases = List.of(value.split(","));
        case "--temporal-db" -> {
          if (!List.of("memory", "file").contains(value)) {
            throw new IllegalArgumentException("--temporal-db is memory or file, was " + value);
          }
          dbOnDisk = value.equals("file");
        }
        case "--latency-warm-up" -> latencyWarmUp = rounds(value);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!allPhases.containsAll(phases)) {
      throw new IllegalArgumentException("unknown phase in " + phases + "; the phases are " + allPhases);
    }
    List<String> ordered = allPhases.stream().filter(phases::contains).toList();
    return new BenchOptions(ordered, dbOnDisk, latencyWarmUp);
  }

  private static int rounds(String value) {
    try {
      int rounds = Integer.parseInt(value);
      if (rounds >= 0) {
        return rounds;
      }
    } catch (NumberFormatException e) {
      // refused below, as a negative number is
    }
    throw new IllegalArgumentException("--latency-warm-up is a number of rounds, 0 or more, was " + value);
  }
}

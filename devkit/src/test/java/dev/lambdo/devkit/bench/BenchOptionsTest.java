package dev.lambdo.devkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {
  private static final List<String> PHASES = List.of("latency", "drain", "scale");

  @Test
  void defaultsRunEveryPhaseInMemoryAfterTheUsualWarmUp() {
    BenchOptions options = BenchOptions.parse(new String[0], PHASES);
    assertEquals(PHASES, options.phases());
    assertFalse(options.dbOnDisk());
    assertEquals(BenchOptions.DEFAULT_LATENCY_WARM_UP, options.latencyWarmUp());
  }

  @Test
  void readsEachOption() {
    BenchOptions options = BenchOptions.parse(
        new String[] {"--phases", "latency,scale", "--temporal-db", "file", "--latency-warm-up", "600"}, PHASES);
    assertEquals(List.of("latency", "scale"), options.phases());
    assertTrue(options.dbOnDisk());
    assertEquals(600, options.latencyWarmUp());
    assertEquals(0, BenchOptions.parse(new String[] {"--latency-warm-up", "0"}, PHASES).latencyWarmUp());
  }

  @Test
  void refusesWhatItCannotRunWithTheReason() {
    assertRefused("--latency-warm-up is a number of rounds, 0 or more, was -1", "--latency-warm-up", "-1");
    assertRefused("--latency-warm-up is a number of rounds, 0 or more, was many", "--latency-warm-up", "many");
    assertRefused("--temporal-db is memory or file, was disk", "--temporal-db", "disk");
    assertRefused("unknown phase in [latency, burst]; the phases are [latency, drain, scale]", "--phases", "latency,burst");
    assertRefused("unknown option --fast", "--fast", "yes");
    assertRefused("every option takes a value", "--phases");
  }

  private static void assertRefused(String reason, String... args) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchOptions.parse(args, PHASES));
    assertEquals(reason, e.getMessage());
  }
}

package dev.lambdo.devkit.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CreateRateTest {
  /** Fly's burst of 3 at once, then one a second: 6 creates, the last 3 s after the first. */
  private static final List<Long> PACED = List.of(10_000L, 10_000L, 10_100L, 11_100L, 12_100L, 13_100L);

  @Test
  void overAllCreatesTheBurstLiftsTheRateAboveThePace() {
    assertEquals(5 / 3.1, CreateRate.of(PACED).overall(), 1e-9);
  }

  @Test
  void afterTheBurstTheRateIsThePace() {
    assertEquals(1.0, CreateRate.of(PACED).afterBurst(3), 1e-9);
  }

  @Test
  void startsNeedNotComeSorted() {
    assertEquals(1.0, CreateRate.of(List.of(13_100L, 10_000L, 12_100L, 10_100L, 11_100L, 10_000L)).afterBurst(3), 1e-9);
  }

  @Test
  void tooFewStartsForAnIntervalMakeNoRate() {
    assertEquals(0, CreateRate.of(List.of(5L)).overall());
    assertEquals(0, CreateRate.of(List.of(1L, 2L, 3L)).afterBurst(3));
    assertEquals(0, CreateRate.of(List.of()).overall());
  }
}

package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CreatePacerTest {
  private static final Duration LONG = Duration.ofMinutes(1);

  @Test
  void aTurnFurtherAwayThanAllowedIsNotTaken() {
    CreatePacer pacer = new CreatePacer(1);
    for (int i = 0; i < CreatePacer.FLY_BURST; i++) {
      assertTrue(pacer.awaitTurn(Duration.ZERO), "the burst goes at once");
    }
    long start = System.nanoTime();
    assertFalse(pacer.awaitTurn(Duration.ofMillis(100)), "the next turn is a second away");
    assertTrue((System.nanoTime() - start) / 1_000_000 < 100, "and it did not wait for it");
    assertFalse(pacer.awaitTurn(Duration.ofMillis(100)), "a refused turn was not taken: still a second away");
  }

  @Test
  void allowsFlysBurstOfThreeThenSpacesCallsAtTheRate() {
    CreatePacer pacer = new CreatePacer(10);
    long start = System.nanoTime();
    for (int i = 0; i < CreatePacer.FLY_BURST; i++) {
      pacer.awaitTurn(LONG);
    }
    long burstMs = (System.nanoTime() - start) / 1_000_000;
    pacer.awaitTurn(LONG);
    pacer.awaitTurn(LONG);
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;

    assertTrue(burstMs < 50, "the first three go at once, took " + burstMs + " ms");
    assertTrue(elapsedMs >= 190, "two more at 10/s take two intervals of 100 ms, took " + elapsedMs);
  }

  @Test
  void unpacedNeverWaits() {
    long start = System.nanoTime();
    for (int i = 0; i < 1000; i++) {
      CreatePacer.UNPACED.awaitTurn(Duration.ZERO);
    }
    assertTrue((System.nanoTime() - start) / 1_000_000 < 1000);
  }

  @Test
  void aNegativeRateIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CreatePacer(-1));
    assertEquals("perSecond must be >= 0, was -1.0", e.getMessage());
  }
}

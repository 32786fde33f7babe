package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CreatePacerTest {
  private static final Duration LONG = Duration.ofMinutes(1);

  @Test
  void aTurnFurtherAwayThanAllowedIsNotTaken() {
    CreatePacer pacer = new CreatePacer(1);
    for (int i = 0; i < CreatePacer.FLY_BURST; i++) {
      assertTrue(pacer.awaitTurn(CreatePacer.ARRIVAL_JITTER), "the burst goes within the jitter");
    }
    long start = System.nanoTime();
    assertFalse(pacer.awaitTurn(Duration.ofMillis(100)), "the next turn is a second away");
    assertTrue((System.nanoTime() - start) / 1_000_000 < 100, "and it did not wait for it");
    assertFalse(pacer.awaitTurn(Duration.ofMillis(100)), "a refused turn was not taken: still a second away");
  }

  @Test
  void allowsFlysBurstOfThreeLessTheJitterThenSpacesCallsAtTheRate() {
    AtomicLong now = new AtomicLong();
    CreatePacer pacer = new CreatePacer(1, now::get);
    List<Long> waitsMs = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      waitsMs.add(pacer.reserve(LONG) / 1_000_000);
    }
    assertEquals(List.of(0L, 0L, 300L, 1300L, 2300L), waitsMs,
        "two at once, the burst's third once the jitter has passed, then one a second");

    now.addAndGet(Duration.ofSeconds(10).toNanos());
    assertEquals(0, pacer.reserve(LONG), "idle, the bucket is full again");
  }

  @Test
  void atHighRatesTheJitterShortensTheBurstNotThePace() {
    AtomicLong now = new AtomicLong();
    CreatePacer pacer = new CreatePacer(20, now::get);
    List<Long> waitsMs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      waitsMs.add(pacer.reserve(LONG) / 1_000_000);
    }
    assertEquals(List.of(0L, 50L, 100L, 150L), waitsMs, "one at once, then one each 50 ms");
  }

  /**
   * A backlog of creates asks for turns at once; each reaches Fly a little after it is sent, by a
   * different amount. Fly's bucket starts counting at the first arrival, so a later create that
   * arrives sooner after its send than the first did must still find a token.
   */
  @Test
  void createsSentOnTheirTurnsPassFlysBucketDespiteArrivalJitter() {
    AtomicLong now = new AtomicLong(5_000_000_000L);
    CreatePacer pacer = new CreatePacer(1, now::get);
    List<Long> sends = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      long wait = pacer.reserve(LONG);
      assertTrue(wait >= 0, "create " + i + " got a turn within a minute");
      sends.add(now.get() + wait);
    }
    Random random = new Random(7);
    List<Long> arrivals = new ArrayList<>();
    for (long send : sends) {
      arrivals.add(send + (long) (random.nextDouble() * CreatePacer.ARRIVAL_JITTER.toNanos()));
    }
    arrivals.sort(null);

    FlysBucket fly = new FlysBucket(1, CreatePacer.FLY_BURST, arrivals.getFirst());
    for (int i = 0; i < arrivals.size(); i++) {
      assertTrue(fly.take(arrivals.get(i)), "Fly refused create " + i);
    }
    double seconds = (sends.getLast() - sends.getFirst()) / 1e9;
    double paced = 40 - CreatePacer.FLY_BURST + CreatePacer.ARRIVAL_JITTER.toMillis() / 1000.0;
    assertTrue(seconds <= paced + 0.001, "the pace is Fly's: 40 creates, 3 at once, in " + seconds + " s");
  }

  /**
   * The worst case measured in the bench: a fresh worker's first creates take long on their way
   * (its first connection, its classes loading), the ones after it none.
   */
  @Test
  void aBurstThatArrivesLateLeavesTheNextCreatesATokenAtFly() {
    AtomicLong now = new AtomicLong();
    CreatePacer pacer = new CreatePacer(1, now::get);
    long slowFirst = Duration.ofMillis(290).toNanos();
    List<Long> arrivals = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long send = pacer.reserve(LONG);
      arrivals.add(send + (i < CreatePacer.FLY_BURST ? slowFirst : 0));
    }
    arrivals.sort(null);

    FlysBucket fly = new FlysBucket(1, CreatePacer.FLY_BURST, arrivals.getFirst());
    for (int i = 0; i < arrivals.size(); i++) {
      assertTrue(fly.take(arrivals.get(i)), "Fly refused create " + i);
    }
  }

  /** Fly's documented bucket for creates (docs/fly-machines-api.md §5): full at first, refilling at the rate. */
  private static final class FlysBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    FlysBucket(double perSecond, int burst, long start) {
      this.perNano = perSecond / 1e9;
      this.burst = burst;
      this.tokens = burst;
      this.last = start;
    }

    boolean take(long at) {
      tokens = Math.min(burst, tokens + (at - last) * perNano);
      last = at;
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }
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

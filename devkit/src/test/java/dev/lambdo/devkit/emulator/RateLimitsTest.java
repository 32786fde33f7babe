package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateLimitsTest {
  @Test
  void theDefaultsAreFlysDocumentedNumbersSwitchedOff() {
    assertFalse(RateLimits.OFF.enabled());
    assertTrue(RateLimits.FLY.enabled());
    assertEquals(1, RateLimits.FLY.actionPerSecond());
    assertEquals(3, RateLimits.FLY.actionBurst());
    assertEquals(5, RateLimits.FLY.getPerSecond());
    assertEquals(10, RateLimits.FLY.getBurst());
  }

  @Test
  void badNumbersAreRejectedNamingTheField() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new RateLimits(true, 0, 3, 5, 10, true));
    assertEquals("actionPerSecond must be a positive number, was 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RateLimits(true, 1, 3, 5, 0, true));
    assertEquals("getBurst must be >= 1, was 0", e.getMessage());
  }

  @Test
  void aBucketLetsABurstThroughThenRefillsAtItsRate() {
    TokenBucket bucket = new TokenBucket(1, 3, 0);
    assertTrue(bucket.tryTake(0));
    assertTrue(bucket.tryTake(0));
    assertTrue(bucket.tryTake(0));
    assertFalse(bucket.tryTake(0));
    assertFalse(bucket.tryTake(999_000_000L), "not quite a second later");
    assertTrue(bucket.tryTake(1_000_000_000L));
    assertFalse(bucket.tryTake(1_000_000_000L));
    assertTrue(bucket.tryTake(60_000_000_000L));
    assertTrue(bucket.tryTake(60_000_000_000L));
    assertTrue(bucket.tryTake(60_000_000_000L));
    assertFalse(bucket.tryTake(60_000_000_000L), "a long pause refills no more than the burst");
  }
}

package dev.lambdo.poller;

import java.time.Duration;

/** Capped exponential backoff: 1 s, 2 s, 4 s … up to the cap; reset after a good poll. */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private Duration next;

  Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  Duration next() {
    Duration current = next;
    next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
    return current;
  }

  void reset() {
    next = initial;
  }
}

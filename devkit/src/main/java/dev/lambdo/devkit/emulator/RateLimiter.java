package dev.lambdo.devkit.emulator;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One {@link TokenBucket} per (action, app or machine), as Fly counts them (docs/fly-machines-api.md §5). The
 * limits are read on every request, so switching them takes effect at once; a change empties the
 * table, and buckets that have refilled are dropped now and then so idle machines cost nothing.
 */
final class RateLimiter {
  /** Which numbers a bucket uses: Get Machine has higher ones than every other action. */
  enum Kind { ACTION, GET }

  private static final int SWEEP_EVERY = 4096;

  private final Supplier<RateLimits> limits;
  private final LongSupplier nanos;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final AtomicInteger sinceSweep = new AtomicInteger();
  private volatile RateLimits bucketsMadeFor;

  RateLimiter(Supplier<RateLimits> limits, LongSupplier nanos) {
    this.limits = limits;
    this.nanos = nanos;
  }

  /** @param key the action and the app or machine it is counted against, e.g. "stop:{id}" */
  boolean allow(Kind kind, String key) {
    RateLimits current = limits.get();
    if (!current.enabled()) {
      return true;
    }
    if (current != bucketsMadeFor) {
      synchronized (this) {
        if (current != bucketsMadeFor) {
          buckets.clear();
          bucketsMadeFor = current;
        }
      }
    }
    long now = nanos.getAsLong();
    if (sinceSweep.incrementAndGet() % SWEEP_EVERY == 0) {
      buckets.values().removeIf(b -> b.isFull(now));
    }
    return buckets.computeIfAbsent(kind + ":" + key, k -> kind == Kind.GET
        ? new TokenBucket(current.getPerSecond(), current.getBurst(), now)
        : new TokenBucket(current.actionPerSecond(), current.actionBurst(), now)).tryTake(now);
  }
}

package dev.lambdo.devkit.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Machines' output as Fly's logs API serves it: entries with nanosecond timestamps, pages of at
 * most 100 after a {@code next_token}, the newest 100 without one, and an optional lag before a
 * line can be seen.
 */
final class LogStore {
  static final int PAGE = 100;

  record Entry(long nanos, String machineId, String region, String message) {}

  private final List<Entry> entries = new ArrayList<>();
  private final AtomicLong lastNanos = new AtomicLong();
  private final LongSupplier lagNanos;

  LogStore(LongSupplier lagNanos) {
    this.lagNanos = lagNanos;
  }

  void append(String machineId, String region, String message) {
    Instant now = Instant.now();
    long nanos = lastNanos.updateAndGet(last -> Math.max(last + 1, now.getEpochSecond() * 1_000_000_000L + now.getNano()));
    synchronized (entries) {
      entries.add(new Entry(nanos, machineId, region, message));
    }
  }

  /** Lines of {@code machineId} after {@code afterNanos} (exclusive), or the newest page when null. */
  List<Entry> page(String machineId, Long afterNanos) {
    Instant now = Instant.now();
    long visibleUntil = now.getEpochSecond() * 1_000_000_000L + now.getNano() - lagNanos.getAsLong();
    List<Entry> matching = new ArrayList<>();
    synchronized (entries) {
      for (Entry e : entries) {
        if ((machineId == null || e.machineId().equals(machineId)) && e.nanos() <= visibleUntil
            && (afterNanos == null || e.nanos() > afterNanos)) {
          matching.add(e);
        }
      }
    }
    if (afterNanos == null) {
      return matching.subList(Math.max(0, matching.size() - PAGE), matching.size());
    }
    return matching.subList(0, Math.min(PAGE, matching.size()));
  }
}

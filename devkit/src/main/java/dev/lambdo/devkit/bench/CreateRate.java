package dev.lambdo.devkit.bench;

import java.util.List;

/**
 * Creates per second from the times their machines started. Fly lets a burst through before its
 * pace (docs/fly-machines-api.md §5: bursts of 3, then 1/s), so a short run's overall rate sits
 * above the pace; the rate after the burst is the pace a long run approaches.
 */
final class CreateRate {
  private final List<Long> sortedMillis;

  private CreateRate(List<Long> sortedMillis) {
    this.sortedMillis = sortedMillis;
  }

  static CreateRate of(List<Long> startsMillis) {
    return new CreateRate(startsMillis.stream().sorted().toList());
  }

  /** Intervals between the first start and the last, per second. */
  double overall() {
    return from(0);
  }

  /** The same from the burst's last start on: the pace once the burst is spent. */
  double afterBurst(int burst) {
    return from(burst - 1);
  }

  private double from(int first) {
    int intervals = sortedMillis.size() - 1 - first;
    if (intervals < 1) {
      return 0;
    }
    long millis = sortedMillis.getLast() - sortedMillis.get(first);
    return millis == 0 ? 0 : intervals / (millis / 1000.0);
  }
}

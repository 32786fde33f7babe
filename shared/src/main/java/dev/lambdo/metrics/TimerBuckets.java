package dev.lambdo.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.time.Duration;
import java.util.List;

/**
 * A few fixed histogram buckets for every timer that names none of its own. The Temporal SDK asks
 * for a percentile histogram on each of its timers, which are tagged by operation, task queue and
 * workflow or activity type: with Micrometer's default buckets (about 70 per timer) that is
 * thousands of series; these keep {@code histogram_quantile} usable at a sixth of the cost.
 */
final class TimerBuckets implements MeterFilter {
  static final List<Duration> BOUNDS = List.of(
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
      Duration.ofSeconds(60));

  @Override
  public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
    double[] own = config.getServiceLevelObjectiveBoundaries();
    if (id.getType() != Meter.Type.TIMER || own != null && own.length > 0) {
      return config;
    }
    return DistributionStatisticConfig.builder()
        .percentilesHistogram(false)
        .serviceLevelObjectives(BOUNDS.stream().mapToDouble(Duration::toNanos).toArray())
        .build()
        .merge(config);
  }
}

package dev.lambdo.poller;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lambdo_batches_closed{status}}: batch workflows that closed in the last {@link #WINDOW},
 * by how, as Temporal's visibility lists them. The worker counts the ends its code sees ({@code
 * lambdo_batches_succeeded_total}, {@code lambdo_batches_failed_total}); a batch terminated from
 * outside — by a person, or by a reset, which terminates the run it replaces — runs no code, and
 * shows only here. Asked when scraped, at most once per {@link #INTERVAL}; every poller sees the
 * same figures (read them with {@code max}); unknown (NaN) while Temporal does not answer.
 */
final class ClosedBatches {
  static final Duration WINDOW = Duration.ofHours(1);
  static final Duration INTERVAL = Duration.ofSeconds(30);
  /** Visibility's names for the ways a workflow closes (ContinuedAsNew goes on in a new run). */
  static final List<String> STATUSES = List.of("Completed", "Failed", "Canceled", "Terminated", "TimedOut");
  private static final Logger log = LoggerFactory.getLogger(ClosedBatches.class);

  private final ToLongFunction<String> count;
  private final Supplier<Instant> now;
  private Map<String, Long> last;
  private Instant lastAt;

  /** @param count a visibility query's count, e.g. {@code client.countWorkflows(q).getCount()} */
  ClosedBatches(ToLongFunction<String> count, Supplier<Instant> now) {
    this.count = count;
    this.now = now;
  }

  void bindTo(MeterRegistry registry) {
    for (String status : STATUSES) {
      Gauge.builder("lambdo.batches.closed", this, batches -> batches.closed(status))
          .description("Batch workflows closed in the last hour, by status, as Temporal's visibility lists them;"
              + " the only count of batches terminated from outside")
          .tag("status", status)
          // Micrometer holds a gauge's object weakly by default; nothing else holds this one.
          .strongReference(true)
          .register(registry);
    }
  }

  static String query(String status, Instant since) {
    return "WorkflowType = 'BatchWorkflow' AND ExecutionStatus = '" + status + "' AND CloseTime > '"
        + since.truncatedTo(ChronoUnit.SECONDS) + "'";
  }

  private synchronized double closed(String status) {
    Instant at = now.get();
    if (lastAt == null || !at.isBefore(lastAt.plus(INTERVAL))) {
      lastAt = at;
      last = counts(at.minus(WINDOW));
    }
    return last == null ? Double.NaN : last.get(status);
  }

  private Map<String, Long> counts(Instant since) {
    Map<String, Long> counts = new HashMap<>();
    try {
      for (String status : STATUSES) {
        counts.put(status, count.applyAsLong(query(status, since)));
      }
      return counts;
    } catch (RuntimeException e) {
      log.debug("closed batches unavailable: {}", e.toString());
      return null;
    }
  }
}

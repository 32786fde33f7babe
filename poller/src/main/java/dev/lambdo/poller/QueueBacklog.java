package dev.lambdo.poller;

import dev.lambdo.sqs.QueueCounts;
import dev.lambdo.sqs.SqsQueue;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lambdo_sqs_messages{state}}: SQS's approximate counts of the queue's messages, visible
 * (waiting for a poller), in flight (received, hidden) and delayed. It keeps moving when the
 * pollers stop receiving at the machine limit, where the age of received messages cannot. Asked
 * when scraped, at most once per {@link #INTERVAL}; unknown (NaN) while SQS does not answer.
 */
final class QueueBacklog {
  static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Logger log = LoggerFactory.getLogger(QueueBacklog.class);

  private final SqsQueue sqs;
  private final String queueUrl;
  private final Duration interval;
  private final LongSupplier nanoTime;
  private QueueCounts last;
  private long lastAt;
  private boolean asked;

  QueueBacklog(SqsQueue sqs, String queueUrl) {
    this(sqs, queueUrl, INTERVAL, System::nanoTime);
  }

  QueueBacklog(SqsQueue sqs, String queueUrl, Duration interval, LongSupplier nanoTime) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.interval = interval;
    this.nanoTime = nanoTime;
  }

  void bindTo(MeterRegistry registry) {
    gauge(registry, "visible", QueueCounts::visible);
    gauge(registry, "in_flight", QueueCounts::inFlight);
    gauge(registry, "delayed", QueueCounts::delayed);
  }

  private void gauge(MeterRegistry registry, String state, ToLongFunction<QueueCounts> count) {
    Gauge.builder("lambdo.sqs.messages", this, backlog -> {
      QueueCounts counts = backlog.counts();
      return counts == null ? Double.NaN : count.applyAsLong(counts);
    }).description("Messages in the poller's queue by state, as SQS approximates them").tag("state", state)
        // Micrometer holds a gauge's object weakly by default; nothing else holds this one.
        .strongReference(true)
        .register(registry);
  }

  private synchronized QueueCounts counts() {
    long now = nanoTime.getAsLong();
    if (!asked || now - lastAt >= interval.toNanos()) {
      asked = true;
      lastAt = now;
      try {
        last = sqs.approximateCounts(queueUrl);
      } catch (RuntimeException e) {
        log.debug("queue counts unavailable: {}", e.toString());
        last = null;
      }
    }
    return last;
  }
}

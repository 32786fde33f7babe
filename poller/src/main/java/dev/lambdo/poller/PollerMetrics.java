package dev.lambdo.poller;

import dev.lambdo.config.PollerConfig;
import dev.lambdo.event.ParsedMessage;
import dev.lambdo.sqs.ReceivedMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the poller counts. Every counter and label value exists from the start at 0, so {@code
 * rate()} and the dashboard show a quiet poller as 0, not as nothing.
 */
public final class PollerMetrics {
  private final Counter received;
  private final Map<ParsedMessage.Cause, Counter> rejected = new EnumMap<>(ParsedMessage.Cause.class);
  private final Counter deadLettered;
  private final Counter batchesStarted;
  private final Counter pollFailures;
  private final AtomicLong oldestAgeMs = new AtomicLong();
  private final AtomicInteger running = new AtomicInteger();

  public PollerMetrics(MeterRegistry registry, PollerConfig config) {
    received = Counter.builder("lambdo.messages.received")
        .description("Messages received from SQS, each receive of a message again counted again")
        .register(registry);
    for (ParsedMessage.Cause cause : ParsedMessage.Cause.values()) {
      rejected.put(cause, Counter.builder("lambdo.messages.rejected")
          .description("Received messages that cannot run, by the kind of their first problem")
          .tag("reason", cause.label())
          .register(registry));
    }
    deadLettered = Counter.builder("lambdo.messages.dead.lettered")
        .description("Messages that cannot run, copied to LAMBDO_DLQ_URL with their reason and deleted")
        .register(registry);
    batchesStarted = Counter.builder("lambdo.batches.started")
        .description("Batch workflows this poller started; a batch that existed already is not counted")
        .register(registry);
    pollFailures = Counter.builder("lambdo.poll.failures")
        .description("Rounds of the receive loop that failed (SQS or Temporal), each followed by a backoff")
        .register(registry);
    Gauge.builder("lambdo.sqs.oldest.message.age", oldestAgeMs, ms -> ms.get() / 1000.0)
        .description("Age at receive of the oldest message the last receive returned; 0 after one found the queue"
            + " empty. Nothing is received at the machine limit: then read lambdo_sqs_messages")
        .baseUnit("seconds")
        .register(registry);
    Gauge.builder("lambdo.batches.running", running, AtomicInteger::get)
        .description("Batch workflows running, as this poller last counted them for the machine limit")
        .register(registry);
    Gauge.builder("lambdo.machine.limit", config, PollerConfig::maxConcurrentMachines)
        .description("LAMBDO_MAX_CONCURRENT_MACHINES")
        .register(registry);
  }

  /** One receive's messages; an empty one means the queue had nothing visible to give. */
  void received(List<ReceivedMessage> messages, long nowMs) {
    received.increment(messages.size());
    long oldest = messages.stream().mapToLong(ReceivedMessage::sentAtMs).filter(ms -> ms > 0).min().orElse(nowMs);
    oldestAgeMs.set(Math.max(0, nowMs - oldest));
  }

  void rejected(ParsedMessage.Cause cause) {
    rejected.get(cause).increment();
  }

  void deadLettered() {
    deadLettered.increment();
  }

  void batchStarted() {
    batchesStarted.increment();
  }

  void pollFailed() {
    pollFailures.increment();
  }

  void running(int count) {
    running.set(count);
  }
}

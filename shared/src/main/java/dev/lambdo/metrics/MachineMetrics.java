package dev.lambdo.metrics;

import dev.lambdo.event.Batch;
import dev.lambdo.event.QueuedEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What the machine activities (and a poller that makes first machines) measure: machines alive, how
 * long Fly takes to make one, and how long an event waits from its send to its machine.
 */
public final class MachineMetrics {
  private final Timer create;
  private final Timer sendToStart;
  private final AtomicInteger alive = new AtomicInteger();

  public MachineMetrics(MeterRegistry registry) {
    this(registry, true);
  }

  /** For a poller that makes first machines: it watches none, so it exports no count of them. */
  public static MachineMetrics ofCreates(MeterRegistry registry) {
    return new MachineMetrics(registry, false);
  }

  private MachineMetrics(MeterRegistry registry, boolean watches) {
    create = Timer.builder("lambdo.machine.create")
        .description("How long Fly took to answer a create that made a machine")
        .serviceLevelObjectives(seconds(0.1), seconds(0.25), seconds(0.5), seconds(1), seconds(2.5), seconds(5),
            seconds(10), seconds(30), seconds(60))
        .register(registry);
    sendToStart = Timer.builder("lambdo.send.to.machine.start")
        .description("From an event's send to SQS to the create of the first machine that runs it: the queue,"
            + " the poller, the machine limit, Temporal, the create pace and Fly together")
        .serviceLevelObjectives(seconds(0.1), seconds(0.25), seconds(0.5), seconds(1), seconds(2.5), seconds(5),
            seconds(10), seconds(30), seconds(60), seconds(120), seconds(300), seconds(600), seconds(1800),
            seconds(3600))
        .register(registry);
    if (watches) {
      Gauge.builder("lambdo.machines.alive", alive, AtomicInteger::get)
          .description("Machines this worker watches run, awaiting their exit; summed over workers, the machines"
              + " running")
          .register(registry);
    }
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis((long) (s * 1000));
  }

  /** Fly made a machine; the answer took {@code took}. */
  public void created(Duration took) {
    create.record(took);
  }

  /**
   * The first machine of a batch is there: each event's wait since its send. Later attempts
   * waited for a backoff, and a replay's events were sent long ago: neither is counted.
   */
  public void firstMachine(Batch batch, int attempt, long nowMs) {
    if (attempt != 1 || batch.replayOf() != null) {
      return;
    }
    for (QueuedEvent event : batch.events()) {
      if (event.sentAtMs() > 0) {
        sendToStart.record(Duration.ofMillis(Math.max(0, nowMs - event.sentAtMs())));
      }
    }
  }

  /** Runs {@code await}, the machine counted alive meanwhile. */
  public <T> T watching(Supplier<T> await) {
    alive.incrementAndGet();
    try {
      return await.get();
    } finally {
      alive.decrementAndGet();
    }
  }
}

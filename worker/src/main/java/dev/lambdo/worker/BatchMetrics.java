package dev.lambdo.worker;

import dev.lambdo.workflow.ExitStatus;
import io.temporal.workflow.Workflow;
import java.util.Map;

/**
 * How batches end: {@code lambdo_batches_succeeded_total} and {@code
 * lambdo_batches_failed_total{reason}}. Counted from workflow code through the SDK's metrics
 * scope, which counts nothing while a workflow replays, so a batch is counted once however often
 * its history is replayed; the scope adds the namespace, task queue and workflow type. A batch
 * terminated from outside runs no code and is not counted.
 */
final class BatchMetrics {
  static final String SUCCEEDED = "lambdo_batches_succeeded";
  static final String FAILED = "lambdo_batches_failed";

  private BatchMetrics() {}

  static void succeeded() {
    Workflow.getMetricsScope().counter(SUCCEEDED).inc(1);
  }

  /** @param reason one of {@link #reason(ExitStatus)}'s, {@code fly} or {@code cancelled} */
  static void failed(String reason) {
    Workflow.getMetricsScope().tagged(Map.of("reason", reason)).counter(FAILED).inc(1);
  }

  /** How the last machine ended, in a word. */
  static String reason(ExitStatus exit) {
    if (exit.vanished()) {
      return "vanished";
    }
    if (exit.timedOut()) {
      return "timeout";
    }
    if (exit.oomKilled()) {
      return "oom";
    }
    return exit.signal() > 0 ? "signal" : "exit_code";
  }
}

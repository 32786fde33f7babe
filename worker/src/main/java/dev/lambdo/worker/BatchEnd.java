package dev.lambdo.worker;

import dev.lambdo.workflow.ExitStatus;
import dev.lambdo.workflow.SettleResult;
import io.temporal.workflow.Workflow;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * The one line a batch writes when it ends: how, with what exit, after how many attempts, how
 * long, and what became of its messages; also as fields of the JSON log line (MDC), beside the
 * workflow id the SDK puts there. Logged through the workflow's logger, so a replay repeats nothing.
 */
final class BatchEnd {
  private static final Logger log = Workflow.getLogger(BatchEnd.class);

  private BatchEnd() {}

  static void log(String outcome, ExitStatus exit, int attempts, long durationMs, SettleResult messages) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("outcome", outcome);
    fields.put("exit", exit == null ? "no machine ran" : exit.describe());
    fields.put("attempts", Integer.toString(attempts));
    fields.put("durationMs", Long.toString(durationMs));
    fields.put("messages", messages.action() + " " + messages.settled()
        + (messages.failed().isEmpty() ? "" : ", " + messages.failed().size() + " refused")
        + (messages.stale().isEmpty() ? "" : ", " + messages.stale().size() + " stale"));
    fields.forEach(MDC::put);
    try {
      log.info("batch {}: {}, {} attempt(s), {} s, messages: {}", outcome, fields.get("exit"), attempts,
          durationMs / 1000, fields.get("messages"));
    } finally {
      fields.keySet().forEach(MDC::remove);
    }
  }
}

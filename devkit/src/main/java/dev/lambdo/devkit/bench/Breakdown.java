package dev.lambdo.devkit.bench;

import com.google.protobuf.Timestamp;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Where one event's send → machine start went, read from its workflow's history: to the
 * workflow's start (receive, count, start call), to its first task reaching the worker, and from
 * there to the machine's process start (the task's code, the create call, which runs within the
 * task on the unpaced route, and the process launch). With creates unpaced the poller makes the
 * first machine before the start (FirstMachines): the machine then starts before the workflow does,
 * and the steps say how long the workflow took to catch up, the last one 0 or less.
 */
record Breakdown(long toWorkflowStart, long toFirstTask, long taskToMachineStart) {
  static Breakdown of(WorkflowClient client, String workflowId, long sentMs, long machineStartMs) {
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    long started = millis(first(events, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED).getEventTime());
    long taskStarted = millis(first(events, EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED).getEventTime());
    return new Breakdown(started - sentMs, taskStarted - started, machineStartMs - taskStarted);
  }

  /** Each event of one workflow's history, in ms since its start: to see where a batch waits. */
  static String timeline(WorkflowClient client, String workflowId) {
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    long start = millis(events.getFirst().getEventTime());
    StringBuilder line = new StringBuilder();
    for (HistoryEvent e : events) {
      String type = e.getEventType().name().replace("EVENT_TYPE_", "").toLowerCase();
      if (e.hasActivityTaskScheduledEventAttributes()) {
        type += "(" + e.getActivityTaskScheduledEventAttributes().getActivityType().getName() + ")";
      } else if (e.hasMarkerRecordedEventAttributes()) {
        type += "(" + e.getMarkerRecordedEventAttributes().getMarkerName() + ")";
      }
      line.append(millis(e.getEventTime()) - start).append(' ').append(type).append("; ");
    }
    return line.toString();
  }

  static String medians(List<Breakdown> all) {
    if (all.isEmpty()) {
      return "(none)";
    }
    return "to workflow start " + median(all, Breakdown::toWorkflowStart) + " ms, to first task "
        + median(all, Breakdown::toFirstTask) + " ms, first task → process start "
        + median(all, Breakdown::taskToMachineStart) + " ms";
  }

  private static long median(List<Breakdown> all, ToLongFunction<Breakdown> part) {
    List<Long> values = new ArrayList<>(all.stream().map(part::applyAsLong).toList());
    values.sort(null);
    return values.get(values.size() / 2);
  }

  private static HistoryEvent first(List<HistoryEvent> events, EventType type) {
    return events.stream().filter(e -> e.getEventType() == type).findFirst()
        .orElseThrow(() -> new IllegalStateException("no " + type + " in the history"));
  }

  private static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }
}

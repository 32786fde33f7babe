package dev.lambdo.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which events of a machine's run failed, as its runtime reports on its last {@code LAMBDO_RESULT}
 * line ({@code {"events":3,"succeeded":2,"failed":[{"index":1,"error":"…"}]}}), the contract of
 * the runtimes in {@code runtimes/}. Like Lambda's ReportBatchItemFailures, it lets a batch retry
 * only what failed. A line that does not make sense for the run is no report at all: the run
 * is then all-or-nothing, as it is for images that print none.
 *
 * @param events how many events the run had
 * @param failed the indexes, into the run's events file, of those that failed; sorted
 */
public record EventReport(int events, List<Integer> failed) {
  public static final String PREFIX = "LAMBDO_RESULT ";
  private static final ObjectMapper JSON = new ObjectMapper();

  public EventReport {
    failed = List.copyOf(failed);
  }

  /** The report on the last result line of {@code lines}, if it covers exactly {@code events} events. */
  public static Optional<EventReport> find(List<String> lines, int events) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      String line = lines.get(i);
      int at = line.indexOf(PREFIX);
      if (at >= 0) {
        return parse(line.substring(at + PREFIX.length()), events);
      }
    }
    return Optional.empty();
  }

  private static Optional<EventReport> parse(String json, int events) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
    if (root == null || !root.path("events").canConvertToInt() || root.path("events").asInt() != events
        || !root.path("failed").isArray()) {
      return Optional.empty();
    }
    TreeSet<Integer> failed = new TreeSet<>();
    for (JsonNode entry : root.path("failed")) {
      JsonNode index = entry.path("index");
      if (!index.canConvertToInt() || !index.isIntegralNumber() || index.asInt() < 0 || index.asInt() >= events) {
        return Optional.empty();
      }
      failed.add(index.asInt());
    }
    return Optional.of(new EventReport(events, new ArrayList<>(failed)));
  }

  /** Some events failed and some succeeded: only then is there less to retry than the whole run. */
  public boolean partial() {
    return !failed.isEmpty() && failed.size() < events;
  }
}

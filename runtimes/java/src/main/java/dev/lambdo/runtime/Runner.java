package dev.lambdo.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Reads the batch from {@code $EVENTS_PATH}, calls the handler once per event, runs every event
 * even when one fails, prints one line {@code LAMBDO_RESULT {"events":3,"succeeded":2,"failed":[…]}}
 * and exits 1 if any event failed: the same contract as the Node and PHP runtimes.
 */
public final class Runner {
  public static final String RESULT_PREFIX = "LAMBDO_RESULT ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Runner() {}

  public static void main(String[] args) {
    System.exit(run(System.getenv(), System.out, System.err));
  }

  /** @return the process exit code */
  static int run(Map<String, String> env, PrintStream out, PrintStream err) {
    Path eventsPath = Path.of(env.getOrDefault("EVENTS_PATH", "/tmp/events.json"));
    ArrayNode failed = JSON.createArrayNode();
    JsonNode events;
    try {
      events = JSON.readTree(Files.readString(eventsPath));
      if (events == null || !events.isArray()) {
        throw new IllegalArgumentException("the events file is not a JSON array");
      }
    } catch (Exception e) {
      failed.addObject().put("index", -1).put("error", "cannot read " + eventsPath + ": " + e.getMessage());
      return finish(0, failed, out);
    }
    EventHandler handler;
    try {
      handler = handler(env.get("LAMBDO_HANDLER"));
    } catch (Exception e) {
      failed.addObject().put("index", -1).put("error", e.getMessage());
      return finish(events.size(), failed, out);
    }
    for (int index = 0; index < events.size(); index++) {
      try {
        handler.handle(events.get(index));
      } catch (Exception e) {
        err.println("event " + index + " failed: " + e);
        failed.addObject().put("index", index).put("error", String.valueOf(e.getMessage()));
      }
    }
    return finish(events.size(), failed, out);
  }

  private static EventHandler handler(String className) throws ReflectiveOperationException {
    if (className != null && !className.isBlank()) {
      return (EventHandler) Class.forName(className).getDeclaredConstructor().newInstance();
    }
    Optional<EventHandler> found = ServiceLoader.load(EventHandler.class).findFirst();
    return found.orElseThrow(() -> new IllegalStateException(
        "no EventHandler: register one in META-INF/services/dev.lambdo.runtime.EventHandler or set LAMBDO_HANDLER"));
  }

  private static int finish(int events, ArrayNode failed, PrintStream out) {
    long eventFailures = 0;
    for (JsonNode f : failed) {
      eventFailures += f.path("index").asInt() >= 0 ? 1 : 0;
    }
    ObjectNode result = JSON.createObjectNode().put("events", events).put("succeeded", events - eventFailures);
    result.set("failed", failed);
    out.println(RESULT_PREFIX + result);
    return failed.isEmpty() ? 0 : 1;
  }
}

package dev.lambdo.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunnerTest {
  static final List<String> handled = new ArrayList<>();

  /** Fails on events with "fail": true. */
  public static final class FailingOnRequest implements EventHandler {
    @Override
    public void handle(JsonNode event) {
      if (event.path("fail").asBoolean()) {
        throw new IllegalStateException("asked to fail: " + event.path("name").asText());
      }
      handled.add(event.path("name").asText());
    }
  }

  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  private JsonNode result() throws Exception {
    String line = out.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith(Runner.RESULT_PREFIX)).findFirst().orElseThrow();
    return new ObjectMapper().readTree(line.substring(Runner.RESULT_PREFIX.length()));
  }

  @Test
  void runsEveryEventAndReportsTheFailedOnes() throws Exception {
    handled.clear();
    Path events = Files.writeString(dir.resolve("events.json"),
        "[{\"name\":\"ada\"},{\"name\":\"bob\",\"fail\":true},{\"name\":\"cy\"}]");
    int code = Runner.run(Map.of("EVENTS_PATH", events.toString(), "LAMBDO_HANDLER", FailingOnRequest.class.getName()),
        new PrintStream(out, true, StandardCharsets.UTF_8), err);

    assertEquals(1, code);
    assertEquals(List.of("ada", "cy"), handled, "the event after the failure still ran");
    JsonNode result = result();
    assertEquals(3, result.path("events").asInt());
    assertEquals(2, result.path("succeeded").asInt());
    assertEquals(1, result.path("failed").get(0).path("index").asInt());
    assertEquals("asked to fail: bob", result.path("failed").get(0).path("error").asText());
  }

  @Test
  void exitsZeroWhenEveryEventSucceeds() throws Exception {
    Path events = Files.writeString(dir.resolve("events.json"), "[{\"name\":\"ada\"}]");
    int code = Runner.run(Map.of("EVENTS_PATH", events.toString(), "LAMBDO_HANDLER", FailingOnRequest.class.getName()),
        new PrintStream(out, true, StandardCharsets.UTF_8), err);
    assertEquals(0, code);
    assertEquals(0, result().path("failed").size());
  }

  @Test
  void aMissingEventsFileOrHandlerIsAFailureWithAReason() throws Exception {
    int code = Runner.run(Map.of("EVENTS_PATH", dir.resolve("absent.json").toString()),
        new PrintStream(out, true, StandardCharsets.UTF_8), err);
    assertEquals(1, code);
    assertTrue(result().path("failed").get(0).path("error").asText().contains("cannot read"));
  }
}

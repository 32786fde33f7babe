package example;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lambdo.runtime.EventHandler;

/** A sample handler: greets each event, and fails on events that ask it to. */
public final class Greeter implements EventHandler {
  @Override
  public void handle(JsonNode event) {
    if (event.path("fail").asBoolean()) {
      throw new IllegalStateException("asked to fail: " + event.path("name").asText());
    }
    System.out.println("hello, " + event.path("name").asText());
  }
}

package dev.lambdo.fly;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * An entry of a machine's event list (newest first). {@code timestamp} is unix milliseconds; the
 * {@code request} object holds the exit details on an {@code exit} event.
 */
public record MachineEvent(
    String id, String type, String status, String source, long timestamp, JsonNode request) {

  /** The exit details, read where fly-go reads them: the monitor event first, then the request. */
  public Optional<ExitEvent> exitEvent() {
    if (!"exit".equals(type) || request == null) {
      return Optional.empty();
    }
    JsonNode monitor = request.path("MonitorEvent").path("exit_event");
    JsonNode exit = monitor.isObject() ? monitor : request.path("exit_event");
    if (!exit.isObject()) {
      return Optional.empty();
    }
    return Optional.of(FlyJson.MAPPER.convertValue(exit, ExitEvent.class));
  }
}

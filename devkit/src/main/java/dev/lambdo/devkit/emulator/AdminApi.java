package dev.lambdo.devkit.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * The emulator's own endpoints, beside Fly's on the same port, so that faults can be switched
 * from outside the JVM (a Compose stack, a shell): {@code GET /_emulator/faults} answers the
 * faults in force ({@link FaultsJson}), {@code POST} changes the fields it names and answers the
 * result; {@code GET /_emulator/stats} answers the counters. Neither is slowed, failed or rate
 * limited by the faults.
 */
final class AdminApi {
  static final String PREFIX = "/_emulator/";

  /** The counters tests and operators watch, as {@code /_emulator/stats} answers them. */
  record Stats(int created, int alive, int peakAlive, long http429, int started) {}

  private final Faults faults;
  private final Supplier<Stats> stats;

  AdminApi(Faults faults, Supplier<Stats> stats) {
    this.faults = faults;
    this.stats = stats;
  }

  void handle(HttpExchange ex) throws IOException {
    String route = ex.getRequestMethod() + " " + ex.getRequestURI().getPath().substring(PREFIX.length());
    switch (route) {
      case "GET faults" -> JsonHttp.send(ex, 200, FaultsJson.toJson(faults));
      case "POST faults" -> change(ex);
      case "GET stats" -> {
        Stats s = stats.get();
        JsonHttp.send(ex, 200, JsonHttp.JSON.createObjectNode().put("created", s.created()).put("alive", s.alive())
            .put("peak_alive", s.peakAlive()).put("http_429", s.http429()).put("started", s.started()));
      }
      default -> JsonHttp.send(ex, 404, JsonHttp.error("not found: " + route
          + " (try GET/POST " + PREFIX + "faults, GET " + PREFIX + "stats)", null));
    }
  }

  private void change(HttpExchange ex) throws IOException {
    JsonNode body;
    try {
      body = JsonHttp.body(ex);
    } catch (JsonProcessingException e) {
      JsonHttp.send(ex, 400, JsonHttp.error("the body is not JSON: " + e.getOriginalMessage(), null));
      return;
    }
    List<String> problems = FaultsJson.apply(faults, body);
    if (!problems.isEmpty()) {
      JsonHttp.send(ex, 400, JsonHttp.error("nothing changed: " + String.join("; ", problems), null));
      return;
    }
    JsonHttp.send(ex, 200, FaultsJson.toJson(faults));
  }
}

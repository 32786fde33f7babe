package dev.lambdo.devkit.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The emulator process's external switches and counters: {@code /_emulator/faults} and {@code /_emulator/stats}. */
final class EmulatorAdmin {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Every fault the suite switches, off. */
  static final String NO_FAULTS = """
      {"fail_next":{"count":0,"status":503,"retry_after_s":null},"lose_next":{"count":0,"method":null},
       "no_capacity_in":[],"duplicate_names":"reject"}""";

  /** The emulator's counters; {@code alive} counts machines created and not destroyed. */
  record Stats(int created, int alive, int started, long http429) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String url;
  private final String token;

  EmulatorAdmin(String url, String token) {
    this.url = url;
    this.token = token;
  }

  /** Changes the faults {@code json} names; answers the faults now in force. */
  JsonNode faults(String json) {
    return send(HttpRequest.newBuilder(URI.create(url + "/_emulator/faults"))
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  JsonNode faults() {
    return send(HttpRequest.newBuilder(URI.create(url + "/_emulator/faults")).GET());
  }

  Stats stats() {
    JsonNode s = send(HttpRequest.newBuilder(URI.create(url + "/_emulator/stats")).GET());
    return new Stats(s.path("created").asInt(), s.path("alive").asInt(), s.path("started").asInt(),
        s.path("http_429").asLong());
  }

  /** Machines of {@code app} idle in a warm pool, as Fly's List by metadata answers. */
  int idleInPools(String app) {
    return send(HttpRequest.newBuilder(URI.create(url + "/v1/apps/" + app + "/machines?metadata.lambdo_idle=true"))
        .GET()).size();
  }

  private JsonNode send(HttpRequest.Builder request) {
    try {
      HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token)
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("emulator answered " + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

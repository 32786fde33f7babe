package dev.lambdo.devkit.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Talks to an emulator over HTTP the way a Fly client does: bearer token, JSON in and out. */
final class EmulatorHttp {
  static final String TOKEN = "t0ken";
  static final String APP = "app";
  private static final ObjectMapper JSON = new ObjectMapper();

  record Reply(int status, JsonNode body, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;
  private final Map<String, String> headers;

  EmulatorHttp(FlyEmulator fly) {
    this(fly, TOKEN);
  }

  EmulatorHttp(FlyEmulator fly, String token) {
    this(fly.url(), token, Map.of());
  }

  private EmulatorHttp(String base, String token, Map<String, String> headers) {
    this.base = base;
    this.token = token;
    this.headers = headers;
  }

  /** A client that also sends {@code name: value}, as a browser adds Origin. */
  EmulatorHttp withHeader(String name, String value) {
    Map<String, String> more = new HashMap<>(headers);
    more.put(name, value);
    return new EmulatorHttp(base, token, more);
  }

  /** Path relative to {@code /v1/apps/app/machines}, e.g. "" or "/{id}/wait?state=started". */
  Reply machines(String method, String path, String body) {
    return send(method, "/v1/apps/" + APP + "/machines" + path, body);
  }

  Reply get(String path) {
    return send("GET", path, null);
  }

  Reply post(String path, String body) {
    return send("POST", path, body);
  }

  /** Creates a machine running {@code command}; {@code extraConfig} is spliced into config. */
  Reply create(String extraConfig, String... command) {
    StringBuilder cmd = new StringBuilder();
    for (String part : command) {
      cmd.append(cmd.isEmpty() ? "" : ",").append('"').append(part.replace("\"", "\\\"")).append('"');
    }
    String config = "\"image\":\"img:1\",\"init\":{\"cmd\":[" + cmd + "]}" + (extraConfig.isEmpty() ? "" : "," + extraConfig);
    return machines("POST", "", "{\"region\":\"iad\",\"config\":{" + config + "}}");
  }

  /** Creates a machine and returns its id, failing the test on any other answer than 200. */
  String createId(String extraConfig, String... command) {
    Reply reply = create(extraConfig, command);
    if (reply.status() != 200) {
      throw new AssertionError("create answered " + reply.status() + ": " + reply.body());
    }
    return reply.body().path("id").asText();
  }

  Reply send(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(90));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    headers.forEach(request::header);
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
      return new Reply(response.statusCode(), json, response);
    } catch (IOException e) {
      throw new AssertionError(method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}

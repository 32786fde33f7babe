package dev.lambdo.fly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lambdo.config.FlySettings;
import dev.lambdo.config.Secret;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The Fly Machines API and logs API, one method per endpoint. Every failure is a {@link
 * FlyApiException} that says whether a retry can help; retrying is the caller's (Temporal's) job.
 */
public final class FlyClient {
  /** Fly's wait endpoint accepts 1 to 60 seconds. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(60);
  /** The header that proves a change comes from the lease's holder. */
  static final String LEASE_NONCE = "fly-machine-lease-nonce";

  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient http;
  private final HttpUrl app;
  private final HttpUrl machines;
  private final HttpUrl logs;
  private final FlyResponses responses;

  /** @param metrics where every answer is counted ({@code lambdo_fly_responses_total}) */
  public FlyClient(FlySettings settings, MeterRegistry metrics) {
    this(defaultHttpClient(), settings, metrics);
  }

  /** As {@link #FlyClient(FlySettings, MeterRegistry)}, over {@code base}: shorter timeouts, say. */
  public FlyClient(OkHttpClient base, FlySettings settings, MeterRegistry metrics) {
    this(
        base,
        HttpUrl.get(settings.apiUrl().toString()),
        HttpUrl.get(settings.logsUrl().toString()),
        settings.token(),
        settings.app(),
        metrics);
  }

  /** Counting nothing: for tests and tools. */
  public FlyClient(OkHttpClient base, HttpUrl apiUrl, HttpUrl logsUrl, Secret token, String app) {
    // A composite registry with no registries in it records nothing.
    this(base, apiUrl, logsUrl, token, app, new CompositeMeterRegistry());
  }

  public FlyClient(OkHttpClient base, HttpUrl apiUrl, HttpUrl logsUrl, Secret token, String app,
      MeterRegistry metrics) {
    // OkHttp's own retries are off: it would repeat a 408 once, turning a 60 s wait into 120 s.
    // Only a dropped idempotent request is sent again here; everything else Temporal retries, visibly.
    this.http = base.newBuilder().retryOnConnectionFailure(false)
        .addInterceptor(new RetryDroppedConnection()).addInterceptor(new FlyAuth(token)).build();
    this.app = apiUrl.newBuilder().addPathSegments("v1/apps").addPathSegment(app).build();
    this.machines = this.app.newBuilder().addPathSegment("machines").build();
    this.logs =
        logsUrl.newBuilder().addPathSegments("api/v1/apps").addPathSegment(app)
            .addPathSegment("logs").build();
    this.responses = new FlyResponses(metrics);
  }

  /** Reads must outlast the longest wait call. */
  public static OkHttpClient defaultHttpClient() {
    return new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(MAX_WAIT.plusSeconds(15))
        .writeTimeout(Duration.ofSeconds(30))
        .callTimeout(MAX_WAIT.plusSeconds(30))
        .build();
  }

  /** <a href="https://fly.io/docs/machines/api/machines-resource/#create-a-machine">Create</a>. */
  public Machine create(CreateMachineRequest request) {
    return call(FlyOperation.CREATE, post(machines, request), Machine.class);
  }

  /** <a href="https://fly.io/docs/machines/api/machines-resource/#get-a-machine">Get</a>. */
  public Machine get(String machineId) {
    return call(FlyOperation.GET, new Request.Builder().url(machine(machineId).build()), Machine.class);
  }

  /** Machines whose metadata holds every given pair; destroyed ones are left out. */
  public List<Machine> listByMetadata(Map<String, String> metadata) {
    HttpUrl.Builder url = machines.newBuilder();
    metadata.forEach((key, value) -> url.addQueryParameter("metadata." + key, value));
    JavaType type = FlyJson.MAPPER.getTypeFactory().constructCollectionType(List.class, Machine.class);
    return call(FlyOperation.LIST, new Request.Builder().url(url.build()), type);
  }

  /**
   * <a href="https://fly.io/docs/machines/api/machines-resource/#wait-for-a-machine-to-reach-a-specified-state">Wait</a>
   * until the machine reaches {@code state}; empty when Fly answered 408 (not yet).
   */
  public Optional<WaitResult> waitFor(String machineId, String state, Duration timeout) {
    return waitFor(machineId, state, timeout, null);
  }

  /**
   * As {@link #waitFor(String, String, Duration)}, for one version of the machine: a machine
   * updated for a new run is still {@code stopped} from its last run until it starts, and Fly's
   * docs ask for the version when waiting for {@code stopped}.
   *
   * @param version the machine's {@code instance_id} to wait for; null for whichever it has
   */
  public Optional<WaitResult> waitFor(String machineId, String state, Duration timeout, String version) {
    long seconds = Math.max(1, Math.min(MAX_WAIT.toSeconds(), timeout.toSeconds()));
    HttpUrl.Builder builder =
        machine(machineId).addPathSegment("wait").addQueryParameter("state", state)
            .addQueryParameter("timeout", Long.toString(seconds));
    if (version != null) {
      builder.addQueryParameter("version", version);
    }
    HttpUrl url = builder.build();
    try {
      return Optional.of(call(FlyOperation.WAIT, new Request.Builder().url(url), WaitResult.class));
    } catch (FlyApiException e) {
      if (e.status() == 408) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** <a href="https://fly.io/docs/machines/api/machines-resource/#list-machine-events">Events</a>, newest first. */
  public List<MachineEvent> events(String machineId) {
    HttpUrl url = machine(machineId).addPathSegment("events").addQueryParameter("limit", "50").build();
    JavaType type =
        FlyJson.MAPPER.getTypeFactory().constructCollectionType(List.class, MachineEvent.class);
    return call(FlyOperation.EVENTS, new Request.Builder().url(url), type);
  }

  /** <a href="https://fly.io/docs/machines/api/machines-resource/#stop-a-machine">Stop</a>. */
  public void stop(String machineId, String signal, Duration timeout) {
    stop(machineId, signal, timeout, null);
  }

  /** Stop of a machine this caller holds the lease of ({@code leaseNonce}; null when none). */
  public void stop(String machineId, String signal, Duration timeout, String leaseNonce) {
    Map<String, String> body = Map.of("signal", signal, "timeout", timeout.toSeconds() + "s");
    call(FlyOperation.STOP, withNonce(post(machine(machineId).addPathSegment("stop").build(), body), leaseNonce),
        JsonNode.class);
  }

  /** <a href="https://fly.io/docs/machines/api/machines-resource/#signal-a-machine">Signal</a>. */
  public void signal(String machineId, String signal) {
    call(FlyOperation.SIGNAL, post(machine(machineId).addPathSegment("signal").build(), Map.of("signal", signal)),
        JsonNode.class);
  }

  /**
   * <a href="https://fly.io/docs/machines/api/machines-resource/#destroy-a-machine">Destroy</a>,
   * forced; false when the machine was already gone.
   */
  public boolean destroy(String machineId) {
    HttpUrl url = machine(machineId).addQueryParameter("force", "true").build();
    try {
      call(FlyOperation.DESTROY, new Request.Builder().url(url).delete(), JsonNode.class);
      return true;
    } catch (FlyApiException e) {
      if (e.isNotFound()) {
        return false;
      }
      throw e;
    }
  }

  /** Forced destroy of a machine this caller holds the lease of. */
  public boolean destroy(String machineId, String leaseNonce) {
    HttpUrl url = machine(machineId).addQueryParameter("force", "true").build();
    try {
      call(FlyOperation.DESTROY, withNonce(new Request.Builder().url(url).delete(), leaseNonce), JsonNode.class);
      return true;
    } catch (FlyApiException e) {
      if (e.isNotFound()) {
        return false;
      }
      throw e;
    }
  }

  /**
   * <a href="https://fly.io/docs/machines/api/machines-resource/#update-a-machine">Update</a>:
   * the whole config replaced; with {@code skipLaunch} the machine stays stopped.
   *
   * @param leaseNonce the lease's nonce when the machine is leased, else null
   */
  public Machine update(String machineId, MachineConfig config, boolean skipLaunch, String leaseNonce) {
    return update(machineId, config, skipLaunch, leaseNonce, null);
  }

  /**
   * As {@link #update(String, MachineConfig, boolean, String)}, only if the machine is still at
   * {@code currentVersion} (its {@code instance_id}); 409 otherwise.
   */
  public Machine update(String machineId, MachineConfig config, boolean skipLaunch, String leaseNonce,
      String currentVersion) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("config", config);
    body.put("skip_launch", skipLaunch);
    if (currentVersion != null) {
      body.put("current_version", currentVersion);
    }
    return call(FlyOperation.UPDATE, withNonce(post(machine(machineId).build(), body), leaseNonce), Machine.class);
  }

  /** <a href="https://fly.io/docs/machines/api/machines-resource/#start-a-machine">Start</a> a stopped machine. */
  public void start(String machineId, String leaseNonce) {
    call(FlyOperation.START, withNonce(post(machine(machineId).addPathSegment("start").build(), Map.of()), leaseNonce),
        JsonNode.class);
  }

  /**
   * <a href="https://fly.io/docs/machines/api/machine-leases/">Acquire a lease</a>; empty when
   * someone else holds one (409).
   */
  public Optional<MachineLease> acquireLease(String machineId, Duration ttl, String description) {
    if (ttl.toSeconds() < 1) {
      throw new IllegalArgumentException("a lease lasts at least a second, was " + ttl);
    }
    Map<String, Object> body = Map.of("ttl", ttl.toSeconds(), "description", description == null ? "" : description);
    try {
      return Optional.of(leaseOf(call(FlyOperation.LEASE, post(leaseUrl(machineId), body), JsonNode.class)));
    } catch (FlyApiException e) {
      if (e.status() == 409) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The holder's lease made to last {@code ttl} from now; a 409 means it lapsed and another holds it. */
  public MachineLease refreshLease(String machineId, String leaseNonce, Duration ttl) {
    if (ttl.toSeconds() < 1) {
      throw new IllegalArgumentException("a lease lasts at least a second, was " + ttl);
    }
    return leaseOf(call(FlyOperation.LEASE,
        withNonce(post(leaseUrl(machineId), Map.of("ttl", ttl.toSeconds())), leaseNonce), JsonNode.class));
  }

  /** The lease held now, description and nonce included; empty when there is none (404). */
  public Optional<MachineLease> lease(String machineId) {
    try {
      return Optional.of(leaseOf(call(FlyOperation.LEASE, new Request.Builder().url(leaseUrl(machineId)), JsonNode.class)));
    } catch (FlyApiException e) {
      if (e.isNotFound()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Gives the lease up; the machine is anyone's again. */
  public void releaseLease(String machineId, String leaseNonce) {
    call(FlyOperation.LEASE, withNonce(new Request.Builder().url(leaseUrl(machineId)).delete(), leaseNonce), JsonNode.class);
  }

  private HttpUrl leaseUrl(String machineId) {
    return machine(machineId).addPathSegment("lease").build();
  }

  /** Fly wraps a lease: {@code {"status":"success","data":{nonce, expires_at, owner, description, version}}}. */
  private static MachineLease leaseOf(JsonNode answer) {
    JsonNode data = answer.path("data");
    return new MachineLease(data.path("nonce").asText(), data.path("expires_at").asLong(),
        data.path("owner").asText(""), data.path("description").asText(""), data.path("version").asText(""));
  }

  private static Request.Builder withNonce(Request.Builder request, String leaseNonce) {
    return leaseNonce == null ? request : request.header(LEASE_NONCE, leaseNonce);
  }

  /**
   * <a href="https://fly.io/docs/monitoring/logs-api-options/">Logs</a> of one machine after
   * {@code nextToken} (null for the newest page).
   */
  public LogPage logs(String machineId, String nextToken) {
    HttpUrl.Builder url = logs.newBuilder().addQueryParameter("instance", machineId);
    if (nextToken != null && !nextToken.isEmpty()) {
      url.addQueryParameter("next_token", nextToken);
    }
    JsonNode page = call(FlyOperation.LOGS, new Request.Builder().url(url.build()), JsonNode.class);
    List<LogLine> lines = new ArrayList<>();
    for (JsonNode entry : page.path("data")) {
      JsonNode a = entry.path("attributes");
      lines.add(
          new LogLine(
              a.path("timestamp").asText(null),
              a.path("message").asText(""),
              a.path("level").asText(null),
              a.path("instance").asText(null)));
    }
    return new LogPage(lines, page.path("meta").path("next_token").asText(null));
  }

  /**
   * <a href="https://fly.io/docs/machines/api/apps-resource/#get-app-details">Get App</a>: the
   * cheapest call that proves Fly answers and takes the token. Fly counts it apart from Create and
   * List, so readiness asking it does not eat the app's create budget.
   */
  public FlyApp app() {
    return call(FlyOperation.APP, new Request.Builder().url(app), FlyApp.class);
  }

  private HttpUrl.Builder machine(String machineId) {
    return machines.newBuilder().addPathSegment(machineId);
  }

  private static Request.Builder post(HttpUrl url, Object body) {
    try {
      return new Request.Builder().url(url).post(RequestBody.create(FlyJson.MAPPER.writeValueAsBytes(body), JSON));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode request for " + url.encodedPath(), e);
    }
  }

  private <T> T call(FlyOperation kind, Request.Builder builder, Class<T> type) {
    return call(kind, builder, FlyJson.MAPPER.getTypeFactory().constructType(type));
  }

  private <T> T call(FlyOperation kind, Request.Builder builder, JavaType type) {
    Request request = builder.build();
    String operation = request.method() + " " + request.url().encodedPath();
    Response answer;
    try {
      answer = http.newCall(request).execute();
    } catch (IOException e) {
      responses.unreachable(kind);
      throw FlyApiException.unreachable(operation, e);
    }
    responses.answered(kind, answer.code());
    try (Response response = answer) {
      ResponseBody body = response.body();
      String text = body.string();
      if (!response.isSuccessful()) {
        throw failure(operation, response, text);
      }
      if (text.isBlank()) {
        text = "{}";
      }
      return FlyJson.MAPPER.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new FlyApiException(operation, 200, "unreadable response: " + e.getOriginalMessage(),
          null, null, null, e);
    } catch (IOException e) {
      throw FlyApiException.unreachable(operation, e);
    }
  }

  private static FlyApiException failure(String operation, Response response, String text) {
    String error = text.length() > 500 ? text.substring(0, 500) : text;
    String flyStatus = null;
    try {
      JsonNode json = FlyJson.MAPPER.readTree(text);
      if (json != null && json.isObject()) {
        JsonNode message = json.hasNonNull("error") ? json.get("error") : json.get("message");
        error = message == null ? error : message.asText();
        flyStatus = json.hasNonNull("status") ? json.get("status").asText() : null;
      }
    } catch (JsonProcessingException notJson) {
      // Keep the raw text: proxies answer with HTML or plain text.
    }
    return new FlyApiException(operation, response.code(), error.strip(), flyStatus,
        response.header("fly-request-id"), retryAfter(response.header("Retry-After")), null);
  }

  /** Seconds or an HTTP date, as RFC 9110 allows; null when absent or unreadable. */
  static Duration retryAfter(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.strip())));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(header.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (RuntimeException notDate) {
        return null;
      }
    }
  }
}

package dev.lambdo.fly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lambdo.config.Secret;
import dev.lambdo.event.Guest;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FlyClientTest {
  private static final String TOKEN = "fo1_s3cr3t-token";
  private final MockWebServer server = new MockWebServer();
  private FlyClient fly;

  @BeforeEach
  void start() throws IOException {
    server.start();
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(5)).build();
    fly = new FlyClient(http, server.url("/"), server.url("/"), new Secret(TOKEN), "my-app");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void answer(int code, String body, String... headers) {
    MockResponse.Builder response = new MockResponse.Builder().code(code).body(body)
        .addHeader("Content-Type", "application/json; charset=utf-8");
    for (int i = 0; i < headers.length; i += 2) {
      response.addHeader(headers[i], headers[i + 1]);
    }
    server.enqueue(response.build());
  }

  @Test
  void createPostsTheConfigInFlysShape() throws Exception {
    answer(200, """
        {"id":"1857156b526dd8","name":"n","state":"created","region":"ord",
         "instance_id":"01HEPA330HZ37A78TK080NAK1M","config":{"image":"img","metadata":{"k":"v"}},
         "events":[{"type":"launch","status":"created","source":"user","timestamp":1699408350300}]}""");
    MachineConfig config = new MachineConfig("img", new MachineConfig.Init(List.of("node", "x.js"), null),
        Map.of("A", "1"), List.of(new MachineConfig.File("/tmp/events.json", "W10=", 420)),
        Guest.cpu("performance", 2, 4096), new MachineConfig.Restart("no"), Map.of("k", "v"), false);

    Machine machine = fly.create(new CreateMachineRequest("n", "ord", config));

    assertEquals("1857156b526dd8", machine.id());
    assertEquals("01HEPA330HZ37A78TK080NAK1M", machine.instanceId());
    assertEquals(Map.of("k", "v"), machine.metadata());
    RecordedRequest request = server.takeRequest();
    assertEquals("POST", request.getMethod());
    assertEquals("/v1/apps/my-app/machines", request.getUrl().encodedPath());
    assertEquals("Bearer " + TOKEN, request.getHeaders().get("Authorization"));
    JsonNode body = FlyJson.MAPPER.readTree(request.getBody().utf8());
    assertEquals("ord", body.path("region").asText());
    assertEquals("node", body.path("config").path("init").path("cmd").get(0).asText());
    assertTrue(body.path("config").path("init").path("exec").isMissingNode(), "nulls are left out");
    assertEquals("/tmp/events.json", body.path("config").path("files").get(0).path("guest_path").asText());
    assertEquals("W10=", body.path("config").path("files").get(0).path("raw_value").asText());
    assertEquals(4096, body.path("config").path("guest").path("memory_mb").asInt());
    assertEquals("performance", body.path("config").path("guest").path("cpu_kind").asText());
    assertEquals("no", body.path("config").path("restart").path("policy").asText());
  }

  @Test
  void macaroonTokensUseTheFlyV1Scheme() throws Exception {
    FlyClient macaroon = new FlyClient(new OkHttpClient(), server.url("/"), server.url("/"),
        new Secret("fm2_abc,fm2_def"), "my-app");
    answer(200, "{\"id\":\"x\",\"state\":\"started\"}");
    macaroon.get("x");
    assertEquals("FlyV1 fm2_abc,fm2_def", server.takeRequest().getHeaders().get("Authorization"));
  }

  @Test
  void waitAsksForStateAndTimeoutAndTreats408AsNotYet() throws Exception {
    answer(408, "{\"error\":\"deadline_exceeded\"}");
    answer(200, "{\"ok\":true,\"state\":\"stopped\",\"version\":\"01H\",\"event_id\":\"01J\"}");

    assertTrue(fly.waitFor("m1", "stopped", Duration.ofSeconds(90)).isEmpty());
    WaitResult result = fly.waitFor("m1", "stopped", Duration.ofSeconds(5)).orElseThrow();

    assertEquals("stopped", result.state());
    RecordedRequest first = server.takeRequest();
    assertEquals("/v1/apps/my-app/machines/m1/wait", first.getUrl().encodedPath());
    assertEquals("stopped", first.getUrl().queryParameter("state"));
    assertEquals("60", first.getUrl().queryParameter("timeout"), "Fly accepts at most 60 seconds");
    assertEquals("5", server.takeRequest().getUrl().queryParameter("timeout"));
  }

  @Test
  void aWaitForAVersionNamesIt() throws Exception {
    answer(200, "{\"ok\":true,\"state\":\"stopped\"}");
    answer(200, "{\"ok\":true,\"state\":\"stopped\"}");

    fly.waitFor("m1", "stopped", Duration.ofSeconds(5), "01HEPA330HZ37A78TK080NAK1M");
    fly.waitFor("m1", "stopped", Duration.ofSeconds(5));

    assertEquals("01HEPA330HZ37A78TK080NAK1M", server.takeRequest().getUrl().queryParameter("version"));
    assertNull(server.takeRequest().getUrl().queryParameter("version"));
  }

  @Test
  void exitEventIsReadFromTheNewestExit() {
    answer(200, """
        [{"id":"01B","type":"exit","status":"stopped","source":"flyd","timestamp":1653047898717,
          "request":{"exit_event":{"exit_code":137,"guest_exit_code":0,"guest_signal":-1,"signal":9,
            "oom_killed":true,"requested_stop":false,"restarting":false,"exited_at":"2022-05-20T11:58:17.299Z"},
            "restart_count":0}},
         {"id":"01A","type":"start","status":"started","source":"flyd","timestamp":1653047800000}]""");
    List<MachineEvent> events = fly.events("m1");
    ExitEvent exit = events.getFirst().exitEvent().orElseThrow();
    assertEquals(137, exit.exitCode());
    assertEquals(9, exit.signal());
    assertTrue(exit.oomKilled());
    assertTrue(events.get(1).exitEvent().isEmpty());
  }

  @Test
  void exitEventPrefersTheMonitorEventAndAcceptsUnixMillis() {
    answer(200, """
        [{"type":"exit","timestamp":1,"request":{"MonitorEvent":{"exit_event":{"exit_code":3,"signal":-1,
          "exited_at":1653047897299}},"exit_event":{"exit_code":0}}}]""");
    ExitEvent exit = fly.events("m1").getFirst().exitEvent().orElseThrow();
    assertEquals(3, exit.exitCode());
    assertEquals(1653047897299L, exit.exitedAt().asLong());
  }

  @Test
  void validationErrorIsPermanentAndCarriesFlysMessage() {
    answer(422, "{\"error\":\"invalid config.guest.memory_mb, minimum required 2048 MiB\"}", "fly-request-id", "01JNRQ-yyz");
    FlyApiException e = assertThrows(FlyApiException.class, () -> fly.get("m1"));
    assertEquals(422, e.status());
    assertFalse(e.isRetryable());
    assertEquals("01JNRQ-yyz", e.requestId().orElseThrow());
    assertTrue(e.getMessage().contains("GET /v1/apps/my-app/machines/m1 failed with 422: invalid config.guest.memory_mb"), e.getMessage());
  }

  @Test
  void rateLimitIsRetryableAndHonoursRetryAfter() {
    answer(429, "{\"error\":\"rate limited\"}", "Retry-After", "7");
    answer(429, "{\"error\":\"rate limited\"}");
    FlyApiException withHeader = assertThrows(FlyApiException.class, () -> fly.get("m1"));
    assertTrue(withHeader.isRetryable());
    assertEquals(Duration.ofSeconds(7), withHeader.retryAfter().orElseThrow());
    FlyApiException without = assertThrows(FlyApiException.class, () -> fly.get("m1"));
    assertTrue(without.isRetryable());
    assertTrue(without.retryAfter().isEmpty());
  }

  @Test
  void serverErrorsAndTimeoutsAreRetryable() {
    answer(503, "<html>bad gateway</html>");
    answer(408, "{\"error\":\"timeout\"}");
    FlyApiException fiveHundred = assertThrows(FlyApiException.class, () -> fly.get("m1"));
    assertTrue(fiveHundred.isRetryable());
    assertTrue(fiveHundred.getMessage().contains("<html>bad gateway</html>"), "non-JSON bodies are kept");
    assertTrue(assertThrows(FlyApiException.class, () -> fly.get("m1")).isRetryable());
  }

  @Test
  void capacityErrorsAreRecognised() {
    answer(503, "{\"error\":\"could not reserve resource for machine: insufficient memory available\",\"status\":\"insufficient_capacity\"}");
    FlyApiException e = assertThrows(FlyApiException.class, () -> fly.get("m1"));
    assertTrue(e.isCapacity());
  }

  @Test
  void aGetOnADroppedConnectionIsSentAgain() throws Exception {
    server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
    answer(200, "{\"id\":\"m1\",\"state\":\"started\"}");
    assertEquals("m1", fly.get("m1").id());
    assertEquals(2, server.getRequestCount());
  }

  @Test
  void aPostOnADroppedConnectionIsNotSentAgain() {
    server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
    answer(200, "{\"ok\":true}");
    FlyApiException e = assertThrows(FlyApiException.class, () -> fly.signal("m1", "SIGTERM"));
    assertEquals(0, e.status());
    assertTrue(e.isRetryable(), "Temporal retries it");
  }

  @Test
  void noAnswerIsRetryable() {
    server.close();
    FlyApiException e = assertThrows(FlyApiException.class, () -> fly.get("m1"));
    assertEquals(0, e.status());
    assertTrue(e.isRetryable());
  }

  @Test
  void theTokenNeverAppearsInAnError() {
    answer(401, "{\"error\":\"Authenticate: token validation error\"}");
    FlyApiException e = assertThrows(FlyApiException.class, () -> fly.get("m1"));
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    assertFalse(String.valueOf(e).contains("s3cr3t"));
  }

  @Test
  void destroyIsForcedAndA404MeansAlreadyGone() throws Exception {
    answer(200, "{\"ok\":true}");
    answer(404, "{\"error\":\"machine not found\"}");
    assertTrue(fly.destroy("m1"));
    assertFalse(fly.destroy("m1"));
    RecordedRequest request = server.takeRequest();
    assertEquals("DELETE", request.getMethod());
    assertEquals("true", request.getUrl().queryParameter("force"));
  }

  /** Issue 13: a pooled machine is claimed with a lease, then changed only with its nonce. */
  @Test
  void aLeaseIsAcquiredWithATtlAndA409MeansSomeoneElseHoldsIt() throws Exception {
    answer(201, """
        {"status":"success","data":{"nonce":"5c35f65c9f95","expires_at":1708569778,"owner":"hello@fly.io",
         "description":"lambdo-x a1","version":"01HQ73A7BFFDF1B6WMGHFZZ4E7"}}""");
    answer(409, """
        {"status":"error","message":"machine ID m1 lease currently held by hello@fly.io, expires at 2022-10-20 19:59:06 +0000 UTC","code":"invalid"}""");

    MachineLease lease = fly.acquireLease("m1", Duration.ofSeconds(60), "lambdo-x a1").orElseThrow();

    assertEquals(new MachineLease("5c35f65c9f95", 1708569778, "hello@fly.io", "lambdo-x a1",
        "01HQ73A7BFFDF1B6WMGHFZZ4E7"), lease);
    assertTrue(fly.acquireLease("m1", Duration.ofSeconds(60), "lambdo-y a1").isEmpty());
    RecordedRequest request = server.takeRequest();
    assertEquals("POST", request.getMethod());
    assertEquals("/v1/apps/my-app/machines/m1/lease", request.getUrl().encodedPath());
    JsonNode body = FlyJson.MAPPER.readTree(request.getBody().utf8());
    assertEquals(60, body.path("ttl").asInt());
    assertEquals("lambdo-x a1", body.path("description").asText());
    assertEquals(null, request.getHeaders().get("fly-machine-lease-nonce"), "a new lease sends no nonce");
  }

  @Test
  void updateStartReleaseAndDestroyOfALeasedMachineSendTheNonce() throws Exception {
    answer(200, """
        {"id":"m1","name":"n","state":"stopped","region":"ord","instance_id":"01HQ73A7BFFDF1B6WMGHFZZ4E8",
         "config":{"image":"img"}}""");
    answer(200, "{\"previous_state\":\"stopped\",\"migrated\":false,\"new_host\":\"\"}");
    answer(200, "{\"status\":\"success\",\"data\":{\"ok\":true}}");
    answer(200, "{\"ok\":true}");
    MachineConfig config = new MachineConfig("img", null, Map.of(), List.of(), Guest.cpu("shared", 1, 256),
        new MachineConfig.Restart("no"), Map.of(), false);

    Machine updated = fly.update("m1", config, true, "n0nce");
    fly.start("m1", "n0nce");
    fly.releaseLease("m1", "n0nce");
    assertTrue(fly.destroy("m1", "n0nce"));

    assertEquals("01HQ73A7BFFDF1B6WMGHFZZ4E8", updated.instanceId());
    RecordedRequest update = server.takeRequest();
    assertEquals("POST", update.getMethod());
    assertEquals("/v1/apps/my-app/machines/m1", update.getUrl().encodedPath());
    JsonNode body = FlyJson.MAPPER.readTree(update.getBody().utf8());
    assertTrue(body.path("skip_launch").asBoolean());
    assertEquals("img", body.path("config").path("image").asText());
    assertEquals("n0nce", update.getHeaders().get("fly-machine-lease-nonce"));
    RecordedRequest start = server.takeRequest();
    assertEquals("/v1/apps/my-app/machines/m1/start", start.getUrl().encodedPath());
    assertEquals("n0nce", start.getHeaders().get("fly-machine-lease-nonce"));
    RecordedRequest release = server.takeRequest();
    assertEquals("DELETE", release.getMethod());
    assertEquals("/v1/apps/my-app/machines/m1/lease", release.getUrl().encodedPath());
    assertEquals("n0nce", release.getHeaders().get("fly-machine-lease-nonce"));
    assertEquals("n0nce", server.takeRequest().getHeaders().get("fly-machine-lease-nonce"));
  }

  /** A batch that holds a lease longer than its TTL refreshes it with the nonce, and stops its machine with it. */
  @Test
  void aLeaseIsRefreshedAndALeasedMachineStoppedWithTheNonce() throws Exception {
    answer(201, """
        {"status":"success","data":{"nonce":"abc","expires_at":1708569999,"owner":"o","description":"d","version":"v"}}""");
    answer(200, "{\"ok\":true}");

    assertEquals(1708569999, fly.refreshLease("m1", "abc", Duration.ofSeconds(120)).expiresAt());
    fly.stop("m1", "SIGTERM", Duration.ofSeconds(10), "abc");

    RecordedRequest refresh = server.takeRequest();
    assertEquals("/v1/apps/my-app/machines/m1/lease", refresh.getUrl().encodedPath());
    assertEquals("abc", refresh.getHeaders().get("fly-machine-lease-nonce"));
    assertEquals(120, FlyJson.MAPPER.readTree(refresh.getBody().utf8()).path("ttl").asInt());
    RecordedRequest stop = server.takeRequest();
    assertEquals("/v1/apps/my-app/machines/m1/stop", stop.getUrl().encodedPath());
    assertEquals("abc", stop.getHeaders().get("fly-machine-lease-nonce"));
  }

  @Test
  void theLeaseHeldNowIsReadAndNoLeaseIsEmpty() throws Exception {
    answer(200, """
        {"status":"success","data":{"nonce":"abc","expires_at":1708569778,"owner":"o","description":"d","version":"v"}}""");
    answer(404, "{\"error\":\"no active lease\"}");
    assertEquals("abc", fly.lease("m1").orElseThrow().nonce());
    assertTrue(fly.lease("m1").isEmpty());
  }

  @Test
  void listFiltersByMetadata() throws Exception {
    answer(200, "[{\"id\":\"a\",\"state\":\"started\"}]");
    List<Machine> machines = fly.listByMetadata(Map.of("lambdo_attempt", "2"));
    assertEquals("a", machines.getFirst().id());
    assertEquals("2", server.takeRequest().getUrl().queryParameter("metadata.lambdo_attempt"));
  }

  @Test
  void stopAndSignalSendDocumentedBodies() throws Exception {
    answer(200, "{\"ok\":true}");
    answer(200, "{\"ok\":true}");
    fly.stop("m1", "SIGTERM", Duration.ofSeconds(10));
    fly.signal("m1", "SIGKILL");
    RecordedRequest stop = server.takeRequest();
    assertEquals("/v1/apps/my-app/machines/m1/stop", stop.getUrl().encodedPath());
    JsonNode stopBody = FlyJson.MAPPER.readTree(stop.getBody().utf8());
    assertEquals("SIGTERM", stopBody.path("signal").asText());
    assertEquals("10s", stopBody.path("timeout").asText(), "durations go as Go duration strings");
    assertEquals("SIGKILL", FlyJson.MAPPER.readTree(server.takeRequest().getBody().utf8()).path("signal").asText());
  }

  @Test
  void logsAreReadFromTheLogsApiWithTheMachineFilter() throws Exception {
    answer(200, """
        {"data":[{"id":"1","type":"logs","attributes":{"timestamp":"2026-08-01T12:00:00.123456789Z",
          "message":"hello from the job","level":"info","instance":"m1","region":"ord",
          "meta":{"instance":"m1","region":"ord","event":{"provider":"app"}}}}],
         "meta":{"next_token":"1779235200000000000"}}""");
    LogPage page = fly.logs("m1", "1779235100000000000");
    assertEquals("hello from the job", page.lines().getFirst().message());
    assertEquals("1779235200000000000", page.nextToken());
    RecordedRequest request = server.takeRequest();
    assertEquals("/api/v1/apps/my-app/logs", request.getUrl().encodedPath());
    assertEquals("m1", request.getUrl().queryParameter("instance"));
    assertEquals("1779235100000000000", request.getUrl().queryParameter("next_token"));
  }

  @Test
  void retryAfterAcceptsAnHttpDate() {
    assertTrue(FlyClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT").isZero(), "a past date means now");
    assertEquals(Duration.ofSeconds(3), FlyClient.retryAfter("3"));
    assertEquals(null, FlyClient.retryAfter("soon"));
  }
}

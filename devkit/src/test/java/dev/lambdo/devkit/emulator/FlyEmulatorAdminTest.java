package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Faults switched from outside the JVM, over {@code /_emulator/faults}, and the counters in {@code /_emulator/stats}. */
class FlyEmulatorAdminTest {
  @RegisterExtension final RunningEmulator emulator = new RunningEmulator();

  private JsonNode setFaults(String json) {
    EmulatorHttp.Reply reply = emulator.http().post("/_emulator/faults", json);
    assertEquals(200, reply.status(), reply.body().toString());
    return reply.body();
  }

  private static long millisOf(Runnable call) {
    long start = System.nanoTime();
    call.run();
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }

  @Test
  void failuresCapacityAndNamesSetOverHttpTakeEffect() {
    JsonNode faults = setFaults("""
        {"fail_next":{"count":1,"status":503,"retry_after_s":2},"no_capacity_in":["iad"],
         "capacity_status":409,"duplicate_names":"allow"}""");
    assertEquals(409, faults.path("capacity_status").asInt(), "the answer is the faults now in force");

    EmulatorHttp.Reply failed = emulator.http().machines("GET", "", null);
    assertEquals(503, failed.status());
    assertEquals("2", failed.header("Retry-After"));
    EmulatorHttp.Reply full = emulator.http().create("", "true");
    assertEquals(409, full.status());
    assertEquals("insufficient_capacity", full.body().path("status").asText());
    String named = "{\"name\":\"twin\",\"region\":\"lhr\",\"config\":{\"image\":\"img:1\",\"init\":{\"cmd\":[\"sleep\",\"5\"]}}}";
    assertEquals(200, emulator.http().machines("POST", "", named).status());
    assertEquals(200, emulator.http().machines("POST", "", named).status(), "duplicate names allowed");

    setFaults("{\"duplicate_names\":\"reject\"}");
    assertEquals(422, emulator.http().machines("POST", "", named).status());
  }

  @Test
  void latencyAndRateLimitsSetOverHttpTakeEffectButNotOnTheAdminEndpoint() {
    setFaults("{\"latency_ms\":400,\"rate_limits\":{\"enabled\":true,\"action_burst\":1,\"retry_after_header\":false}}");

    assertTrue(millisOf(() -> emulator.http().machines("GET", "", null)) >= 400, "the API is slow");
    EmulatorHttp.Reply limited = emulator.http().machines("GET", "", null);
    assertEquals(429, limited.status(), "a burst of one");
    assertEquals(null, limited.header("Retry-After"));
    assertTrue(millisOf(() -> emulator.http().get("/_emulator/stats")) < 350, "the admin endpoint is not");
    JsonNode limits = emulator.http().get("/_emulator/faults").body().path("rate_limits");
    assertEquals(1, limits.path("action_burst").asInt());
    assertEquals(5.0, limits.path("get_per_second").asDouble(), "fields left out keep their values");
  }

  @Test
  void bootDelayAndNeverStartSetOverHttpTakeEffect() throws Exception {
    setFaults("{\"boot_delay_ms\":700}");
    String id = emulator.http().createId("", "sleep", "5");
    Thread.sleep(300);
    assertEquals("created", emulator.fly().state(id));
    assertEquals(200, emulator.http().machines("GET", "/" + id + "/wait?state=started&timeout=5", null).status());

    setFaults("{\"boot_delay_ms\":0,\"never_start\":true}");
    String never = emulator.http().createId("", "sleep", "5");
    assertEquals(408, emulator.http().machines("GET", "/" + never + "/wait?state=started&timeout=1", null).status());
  }

  @Test
  void aLostAnswerComesOnlyAfterTheActionTookEffect() {
    setFaults("{\"lose_next\":{\"count\":1,\"method\":\"POST\"}}");

    assertEquals(200, emulator.http().machines("GET", "", null).status(), "other methods are answered");
    AssertionError lost = assertThrows(AssertionError.class, () -> emulator.http().create("", "sleep", "5"));
    assertInstanceOf(IOException.class, lost.getCause(), "the connection closed with no answer");
    assertEquals(1, emulator.fly().machinesCreated(), "the create took effect");
    assertEquals(200, emulator.http().create("", "sleep", "5").status(), "only the next one is lost");
    JsonNode loseNext = emulator.http().get("/_emulator/faults").body().path("lose_next");
    assertEquals(0, loseNext.path("count").asInt());
    assertEquals("POST", loseNext.path("method").asText());
    assertEquals(400, emulator.http().post("/_emulator/faults", "{\"lose_next\":{\"method\":\"PATCH\"}}").status());
  }

  /** For a client that dies between Fly acting and its answer (chaos: a worker killed mid-create). */
  @Test
  void aHeldAnswerComesLateButTheActionTookEffectAtOnce() throws Exception {
    setFaults("{\"answer_delay_ms\":800}");
    java.util.concurrent.CompletableFuture<Long> create = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> millisOf(() -> emulator.http().create("", "sleep", "5")));
    Thread.sleep(400);
    assertEquals(1, emulator.fly().machinesCreated(), "created before the answer");
    assertTrue(create.get() >= 800, "answered late");
    assertEquals(800, emulator.http().get("/_emulator/faults").body().path("answer_delay_ms").asLong());
    assertTrue(millisOf(() -> emulator.http().get("/_emulator/stats")) < 700, "the admin endpoint is not held");
  }

  @Test
  void faultsSetFromJavaShowOverHttp() {
    emulator.fly().faults().neverStart(true).logLag(Duration.ofMillis(1500)).noCapacityIn("ord")
        .rateLimits(RateLimits.FLY).bootDelay(Duration.ofMillis(250)).failNext(2, 429, null);

    JsonNode faults = emulator.http().get("/_emulator/faults").body();

    assertEquals(true, faults.path("never_start").asBoolean());
    assertEquals(1500, faults.path("log_lag_ms").asLong());
    assertEquals("ord", faults.path("no_capacity_in").get(0).asText());
    assertEquals(true, faults.path("rate_limits").path("enabled").asBoolean());
    assertEquals(250, faults.path("boot_delay_ms").asLong());
    assertEquals(2, faults.path("fail_next").path("count").asInt());
    assertEquals(429, faults.path("fail_next").path("status").asInt());
    assertTrue(faults.path("fail_next").path("retry_after_s").isNull());
  }

  @Test
  void badSettingsAreAllNamedAndNoneIsApplied() {
    EmulatorHttp.Reply reply = emulator.http().post("/_emulator/faults", """
        {"latency_ms":-1,"never_start":true,"rate_limits":{"action_burst":0},"capacity_status":200,"bogus":1}""");

    assertEquals(400, reply.status());
    String error = reply.body().path("error").asText();
    for (String named : new String[] {"latency_ms", "action_burst", "capacity_status", "bogus"}) {
      assertTrue(error.contains(named), error);
    }
    assertEquals(false, emulator.http().get("/_emulator/faults").body().path("never_start").asBoolean());
    assertEquals(400, emulator.http().post("/_emulator/faults", "not json").status());
  }

  @Test
  void statsCountMachinesAnd429s() {
    String a = emulator.http().createId("", "sleep", "5");
    emulator.http().createId("", "true");
    emulator.http().machines("DELETE", "/" + a + "?force=true", null);
    emulator.fly().faults().failNext(1, 429, null);
    emulator.http().machines("GET", "", null);
    emulator.http().machines("GET", "/" + a + "/wait?state=destroyed", null);

    JsonNode stats = emulator.http().get("/_emulator/stats").body();

    assertEquals(2, stats.path("created").asInt());
    assertEquals(1, stats.path("alive").asInt());
    assertEquals(2, stats.path("peak_alive").asInt());
    assertEquals(1, stats.path("http_429").asInt());
    assertTrue(stats.path("started").asInt() >= 1, stats.toString());
  }

  @Test
  void theAdminEndpointWantsTheApiToken() {
    assertEquals(401, new EmulatorHttp(emulator.fly(), null).get("/_emulator/faults").status());
    assertEquals(401, new EmulatorHttp(emulator.fly(), "wrong").post("/_emulator/faults", "{\"never_start\":true}").status());
    assertEquals(404, emulator.http().get("/_emulator/nothing").status());
  }
}

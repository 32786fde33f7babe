package dev.lambdo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.event.Guardrails;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void pollerDefaultsMatchLambdo() {
    PollerConfig config = PollerConfig.fromEnv(Map.of("LAMBDO_SQS_QUEUE_URL", "http://q"));
    assertEquals(Duration.ofSeconds(10), config.longPoll());
    assertEquals(5, config.eventsPerMachine());
    assertEquals(OnFailure.ACK, config.onFailure());
    assertEquals("localhost:7233", config.temporal().address());
    assertEquals("lambdo", config.temporal().taskQueue());
    assertTrue(config.dlqUrl().isEmpty());
  }

  @Test
  void everyBadPollerSettingIsNamedInOneError() {
    ConfigException e = assertThrows(ConfigException.class, () -> PollerConfig.fromEnv(Map.of(
        "LAMBDO_EVENTS_PER_MACHINE", "11",
        "LAMBDO_SQS_LONG_POLL_SECONDS", "abc",
        "LAMBDO_ON_FAILURE", "drop",
        "LAMBDO_SQS_VISIBILITY_SECONDS", "5")));
    assertEquals(5, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_SQS_QUEUE_URL is required"));
    assertTrue(e.getMessage().contains("LAMBDO_EVENTS_PER_MACHINE must be between 1 and 10, was 11"));
    assertTrue(e.getMessage().contains("LAMBDO_SQS_LONG_POLL_SECONDS must be a whole number, was 'abc'"));
    assertTrue(e.getMessage().contains("LAMBDO_ON_FAILURE must be one of [ack, release], was 'drop'"));
    assertTrue(e.getMessage().contains("LAMBDO_SQS_VISIBILITY_SECONDS must be between 10 and 43200, was 5"));
  }

  @Test
  void anUnknownLogFormatStopsWorkerAndPollerAtStart() {
    ConfigException poller = assertThrows(ConfigException.class, () -> PollerConfig.fromEnv(Map.of(
        "LAMBDO_SQS_QUEUE_URL", "http://q", "LAMBDO_LOG_FORMAT", "yaml")));
    assertEquals(List.of("LAMBDO_LOG_FORMAT must be one of [json, text], was 'yaml'"), poller.problems());
    ConfigException worker = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnv(Map.of(
        "LAMBDO_FLY_TOKEN", "t", "LAMBDO_FLY_APP", "a", "LAMBDO_LOG_FORMAT", "yaml")));
    assertTrue(worker.problems().contains("LAMBDO_LOG_FORMAT must be one of [json, text], was 'yaml'"), worker.getMessage());
  }

  @Test
  void thePollerFencesNothingUnlessTold() {
    PollerConfig config = PollerConfig.fromEnv(Map.of("LAMBDO_SQS_QUEUE_URL", "http://q"));
    assertEquals(Guardrails.NONE, config.guardrails());
  }

  @Test
  void guardrailsComeFromEnv() {
    PollerConfig config = PollerConfig.fromEnv(Map.of("LAMBDO_SQS_QUEUE_URL", "http://q",
        "LAMBDO_ALLOWED_IMAGES", "registry.fly.io/myorg/*,alpine:3", "LAMBDO_MAX_SIZE", "shared-cpu-4x",
        "LAMBDO_MAX_TIMEOUT", "900", "LAMBDO_MAX_RETRIES", "1", "LAMBDO_ALLOWED_REGIONS", "iad, dfw"));
    assertEquals(new Guardrails(List.of("registry.fly.io/myorg/*", "alpine:3"), Optional.of("shared-cpu-4x"),
        OptionalInt.of(900), OptionalInt.of(1), List.of("iad", "dfw")), config.guardrails());
  }

  @Test
  void everyBadGuardrailIsNamedInTheOneStartupError() {
    ConfigException e = assertThrows(ConfigException.class, () -> PollerConfig.fromEnv(Map.of(
        "LAMBDO_ALLOWED_IMAGES", "alpine:3,not an image",
        "LAMBDO_MAX_SIZE", "huge",
        "LAMBDO_MAX_TIMEOUT", "0",
        "LAMBDO_MAX_RETRIES", "11",
        "LAMBDO_ALLOWED_REGIONS", "iad;ams")));
    assertEquals(6, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_SQS_QUEUE_URL is required"), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_ALLOWED_IMAGES must be image patterns separated by commas"
        + " ('*' matches any characters), had 'not an image'"), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_MAX_SIZE must be a Fly size, one of [shared-cpu-1x"), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_MAX_TIMEOUT must be between 1 and 604800, was 0"), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_MAX_RETRIES must be between 0 and 10, was 11"), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_ALLOWED_REGIONS must be region codes"), e.getMessage());
  }

  @Test
  void workerFallsBackToFlysOwnNames() {
    WorkerConfig config = WorkerConfig.fromEnv(Map.of(
        "LAMBDO_FLY_TOKEN", "t0ken", "FLY_APP_NAME", "app-from-fly", "FLY_REGION", "ams"));
    assertEquals("app-from-fly", config.fly().app());
    assertEquals("ams", config.fly().region());
    assertEquals("https://api.machines.dev", config.fly().apiUrl().toString());
  }

  @Test
  void workerErrorNamesMissingSettingsButNeverTheToken() {
    ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnv(Map.of(
        "LAMBDO_FLY_API_URL", "ftp://nope", "LAMBDO_FLY_TOKEN", "s3cr3t-value", "LAMBDO_LOG_GRACE_SECONDS", "-1",
        "LAMBDO_FLY_REGION", "iad;x")));
    assertTrue(e.getMessage().contains("LAMBDO_FLY_REGION must be region codes"), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_FLY_APP (or FLY_APP_NAME) is required"), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_FLY_API_URL must be an http(s) URL, was 'ftp://nope'"));
    assertTrue(e.getMessage().contains("LAMBDO_LOG_GRACE_SECONDS must be between 0 and 600, was -1"));
    assertFalse(e.getMessage().contains("s3cr3t"));
  }

  @Test
  void workerPoolsComeFromLambdoPoolsInTheWorkersRegionAndBadOnesStopTheStart() {
    Map<String, String> env = new java.util.HashMap<>(Map.of("LAMBDO_FLY_TOKEN", "t", "LAMBDO_FLY_APP", "a",
        "LAMBDO_FLY_REGION", "ams"));
    assertEquals(List.of(), WorkerConfig.fromEnv(env).pools(), "no pools unless configured");
    env.put("LAMBDO_POOLS", "[{\"image\":\"img:1\",\"size\":\"shared-cpu-1x\",\"max\":3,\"min_idle\":1}]");
    PoolSettings.Pool pool = WorkerConfig.fromEnv(env).pools().getFirst();
    assertEquals("ams", pool.region());
    assertEquals(3, pool.max());
    env.put("LAMBDO_POOLS", "[{\"image\":\"img:1\",\"size\":\"huge\",\"max\":3}]");
    env.put("LAMBDO_LOG_GRACE_SECONDS", "-1");
    ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnv(env));
    assertTrue(e.getMessage().contains("LAMBDO_POOLS[0].size 'huge' is not a Fly size"), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_LOG_GRACE_SECONDS"), "reported with the other problems: " + e.getMessage());
  }

  /**
   * Issue 9: a poller in an app of its own makes new batches' first machines only when given Fly's
   * token with creates unpaced, and reads the workers' own settings for it, checked as strictly.
   */
  @Test
  void aPollerMakesFirstMachinesOnlyWithFlysTokenAndCreatesUnpaced() {
    Map<String, String> env = new HashMap<>(Map.of("LAMBDO_SQS_QUEUE_URL", "http://q"));
    assertFalse(PollerConfig.fromEnv(env).makesFirstMachines(), "no token, no machines");
    assertTrue(PollerConfig.fromEnv(env).fly().isEmpty());

    env.put("LAMBDO_POOLS", "[{}]");
    assertTrue(PollerConfig.fromEnv(env).pools().isEmpty(), "the workers' pools are read only to make machines");
    env.put("LAMBDO_FLY_TOKEN", "secret-token");
    PollerConfig paced = PollerConfig.fromEnv(env);
    assertFalse(paced.makesFirstMachines(), "creates are paced by default: the server paces them, not a poller");
    assertTrue(paced.flyTokenUnused(), "said at the start, not refused: a poller with no app set still starts");

    env.putAll(Map.of("LAMBDO_FLY_APP", "jobs", "LAMBDO_FLY_REGION", "iad"));

    env.put("LAMBDO_FLY_CREATES_PER_SECOND", "0");
    env.put("LAMBDO_POOLS", "[{\"image\":\"img:1\",\"size\":\"performance-2x\",\"max\":2}]");
    PollerConfig unpaced = PollerConfig.fromEnv(env);
    assertTrue(unpaced.makesFirstMachines());
    assertEquals("jobs", unpaced.fly().orElseThrow().app());
    assertFalse(unpaced.flyTokenUnused());
    assertEquals("iad", unpaced.pools().getFirst().region(), "a pool with no region is in the Fly region");

    env.remove("LAMBDO_FLY_APP");
    env.put("LAMBDO_POOLS", "[{}]");
    ConfigException e = assertThrows(ConfigException.class, () -> PollerConfig.fromEnv(env));
    assertTrue(e.getMessage().contains("LAMBDO_FLY_APP"), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_POOLS"), e.getMessage());
    assertFalse(e.getMessage().contains("secret-token"), e.getMessage());
  }

  @Test
  void theWorkerPollsSqsOnlyWhenToldAndThenNeedsThePollersSettings() {
    Map<String, String> env = new HashMap<>(Map.of("LAMBDO_FLY_TOKEN", "t", "LAMBDO_FLY_APP", "a",
        "LAMBDO_TASK_QUEUE", "jobs", "LAMBDO_SQS_QUEUE_URL", "http://localhost:9324/000000000000/q"));
    assertTrue(WorkerConfig.fromEnv(env).poller().isEmpty(), "a worker does not poll unless told, whatever else is set");
    env.put(WorkerConfig.POLLS, "true");
    PollerConfig poller = WorkerConfig.fromEnv(env).poller().orElseThrow();
    assertEquals("http://localhost:9324/000000000000/q", poller.queueUrl());
    assertEquals("jobs", poller.temporal().taskQueue(), "the poller starts batches on the worker's own task queue");
    env.put(WorkerConfig.POLLS, "FALSE");
    assertTrue(WorkerConfig.fromEnv(env).poller().isEmpty());

    env.put(WorkerConfig.POLLS, "yes");
    ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnv(env));
    assertTrue(e.getMessage().contains("LAMBDO_WORKER_POLLS must be true or false, was 'yes'"), e.getMessage());
    env.put(WorkerConfig.POLLS, "true");
    env.remove("LAMBDO_SQS_QUEUE_URL");
    env.put("LAMBDO_LOG_GRACE_SECONDS", "-1");
    env.put("LAMBDO_HEALTH_PORT", "http");
    e = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnv(env));
    assertTrue(e.getMessage().contains("LAMBDO_SQS_QUEUE_URL is required"), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_LOG_GRACE_SECONDS"), "reported with the worker's own problems: " + e.getMessage());
    assertEquals(1, e.getMessage().split("LAMBDO_HEALTH_PORT", -1).length - 1,
        "a setting both read is reported once: " + e.getMessage());
  }

  @Test
  void createsArePacedToFlysDocumentedRateUnlessSet() {
    Map<String, String> base = Map.of("LAMBDO_FLY_TOKEN", "t", "LAMBDO_FLY_APP", "a");
    assertEquals(1.0, WorkerConfig.fromEnv(base).createsPerSecond());
    Map<String, String> fast = new java.util.HashMap<>(base);
    fast.put("LAMBDO_FLY_CREATES_PER_SECOND", "2.5");
    assertEquals(2.5, WorkerConfig.fromEnv(fast).createsPerSecond());
    fast.put("LAMBDO_FLY_CREATES_PER_SECOND", "fast");
    ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnv(fast));
    assertTrue(e.getMessage().contains("LAMBDO_FLY_CREATES_PER_SECOND must be a number, was 'fast'"), e.getMessage());
    fast.put("LAMBDO_FLY_CREATES_PER_SECOND", "-1");
    e = assertThrows(ConfigException.class, () -> WorkerConfig.fromEnv(fast));
    assertTrue(e.getMessage().contains("LAMBDO_FLY_CREATES_PER_SECOND must be between 0.0 and 10000.0, was -1"), e.getMessage());
  }

  @Test
  void secretsNeverPrint() {
    WorkerConfig config = WorkerConfig.fromEnv(Map.of(
        "LAMBDO_FLY_TOKEN", "s3cr3t-value", "LAMBDO_FLY_APP", "a", "TEMPORAL_API_KEY", "k3y-value"));
    assertFalse(config.toString().contains("s3cr3t"), config.toString());
    assertFalse(config.toString().contains("k3y-value"), config.toString());
    assertEquals("s3cr3t-value", config.fly().token().reveal());
  }

  @Test
  void temporalSettingsComeFromTemporalsOwnVariables() {
    PollerConfig config = PollerConfig.fromEnv(Map.of("LAMBDO_SQS_QUEUE_URL", "http://q",
        "TEMPORAL_ADDRESS", "temporal.example:7233", "TEMPORAL_NAMESPACE", "prod"));
    assertEquals("temporal.example:7233", config.temporal().address());
    assertEquals("prod", config.temporal().namespace());
  }
}

package dev.lambdo.devkit.e2e;

import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.devkit.temporal.TemporalServer;
import java.util.HashMap;
import java.util.Map;

/** The settings every app of an end-to-end test starts with: the test's Temporal, SQS and Fly. */
final class AppEnv {
  private AppEnv() {}

  /**
   * Temporal's address, the local SQS endpoint with test keys and the queues, the emulator for
   * machines in {@code flyApp}, a 1 s long poll (tests wait less), a free health port, and the
   * {@code PATH} the emulator's machines need; a test adds its own on the copy it gets.
   */
  static Map<String, String> of(TemporalServer temporal, EmbeddedSqs sqs, EmbeddedSqs.Queues queues, FlyEmulator fly,
      String flyApp) {
    Map<String, String> env = new HashMap<>(fly.workerSettings(flyApp));
    env.putAll(Map.of(
        "TEMPORAL_ADDRESS", temporal.address(),
        "AWS_ENDPOINT_URL_SQS", sqs.endpoint(),
        "AWS_REGION", EmbeddedSqs.REGION,
        "AWS_ACCESS_KEY_ID", "e2e",
        "AWS_SECRET_ACCESS_KEY", "e2e-secret",
        "LAMBDO_SQS_QUEUE_URL", queues.main(),
        "LAMBDO_DLQ_URL", queues.dlq(),
        "LAMBDO_SQS_LONG_POLL_SECONDS", "1",
        "LAMBDO_HEALTH_PORT", "0",
        "PATH", System.getenv("PATH")));
    return env;
  }
}

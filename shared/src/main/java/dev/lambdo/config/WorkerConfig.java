package dev.lambdo.config;

import java.time.Duration;
import java.util.Map;

/**
 * The worker's settings.
 *
 * @param logGrace how long to keep polling Fly's logs for the init's exit line after a machine
 *     stopped (logs ship asynchronously)
 * @param healthPort port of the {@code /health} endpoint; 0 picks a free one
 * @param maxConcurrentActivities activity slots; activities run on virtual threads, so this is a
 *     budget for machines watched at once, not for threads
 */
public record WorkerConfig(
    TemporalSettings temporal,
    FlySettings fly,
    Duration logGrace,
    int healthPort,
    int maxConcurrentActivities) {
  public static final int DEFAULT_LOG_GRACE_SECONDS = 20;
  public static final int DEFAULT_HEALTH_PORT = 8080;
  public static final int DEFAULT_MAX_CONCURRENT_ACTIVITIES = 2000;

  public static WorkerConfig fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    TemporalSettings temporal = TemporalSettings.read(env, environment);
    FlySettings fly = FlySettings.read(env);
    int grace = env.integer("LAMBDO_LOG_GRACE_SECONDS", DEFAULT_LOG_GRACE_SECONDS, 0, 600);
    int port = env.integer("LAMBDO_HEALTH_PORT", DEFAULT_HEALTH_PORT, 0, 65535);
    int slots =
        env.integer(
            "LAMBDO_MAX_CONCURRENT_ACTIVITIES", DEFAULT_MAX_CONCURRENT_ACTIVITIES, 1, 100_000);
    env.check();
    return new WorkerConfig(
        temporal, fly, Duration.ofSeconds(grace), port, slots);
  }
}

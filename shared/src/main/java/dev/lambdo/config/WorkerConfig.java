package dev.lambdo.config;

import dev.lambdo.logging.LogFormat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's settings.
 *
 * @param logGrace how long to keep polling Fly's logs for the init's exit line after a machine
 *     stopped (logs ship asynchronously)
 * @param healthPort port of the {@code /health} endpoint; 0 picks a free one
 * @param maxConcurrentActivities activity slots of one worker; activities run on virtual threads,
 *     so this is how many machines one worker can watch at once, not a thread count. The limit on
 *     machines alive is the pollers' {@code LAMBDO_MAX_CONCURRENT_MACHINES}.
 * @param createsPerSecond machine creates per second across all workers of the task queue,
 *     enforced by the Temporal server; 0 leaves creates unpaced
 * @param pools warm pools of stopped machines ({@link PoolSettings}); empty for none
 * @param poller the poller's settings when this worker also polls SQS ({@link #POLLS}); empty
 *     when a poller of its own does
 */
public record WorkerConfig(
    TemporalSettings temporal,
    FlySettings fly,
    Duration logGrace,
    int healthPort,
    int maxConcurrentActivities,
    double createsPerSecond,
    List<PoolSettings.Pool> pools,
    Optional<PollerConfig> poller) {
  public WorkerConfig {
    pools = List.copyOf(pools);
  }

  /**
   * {@code LAMBDO_WORKER_POLLS=true}: the worker runs the poller too, in one process, as the Go
   * original does; it then needs the poller's settings as well. Its batches start eagerly: the
   * start's answer carries the first workflow task to this process's worker, without the server's
   * dispatch in between.
   */
  public static final String POLLS = "LAMBDO_WORKER_POLLS";

  public static final int DEFAULT_LOG_GRACE_SECONDS = 20;
  public static final int DEFAULT_HEALTH_PORT = 8080;
  public static final int DEFAULT_MAX_CONCURRENT_ACTIVITIES = 4000;
  /**
   * Fly counts Create Machine per app at 1 request/s sustained (bursts of 3): pacing creates to it
   * keeps batches from living on 429s. Raise it when Fly has raised the app's limit.
   */
  public static final double DEFAULT_CREATES_PER_SECOND = 1.0;
  public static final String CREATES_PER_SECOND = "LAMBDO_FLY_CREATES_PER_SECOND";

  public static WorkerConfig fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    TemporalSettings temporal = TemporalSettings.read(env, environment);
    FlySettings fly = FlySettings.read(env);
    int grace = env.integer("LAMBDO_LOG_GRACE_SECONDS", DEFAULT_LOG_GRACE_SECONDS, 0, 600);
    int port = env.integer("LAMBDO_HEALTH_PORT", DEFAULT_HEALTH_PORT, 0, 65535);
    // Read by the logging set-up before this runs (dev.lambdo.logging); checked here so a typo stops the start.
    env.choice(LogFormat.VARIABLE, LogFormat.class, LogFormat.JSON);
    int slots =
        env.integer(
            "LAMBDO_MAX_CONCURRENT_ACTIVITIES", DEFAULT_MAX_CONCURRENT_ACTIVITIES, 1, 100_000);
    double creates =
        env.decimal(CREATES_PER_SECOND, DEFAULT_CREATES_PER_SECOND, 0, 10_000);
    List<PoolSettings.Pool> pools = List.of();
    try {
      pools = PoolSettings.parse(env.optional(PoolSettings.VARIABLE).orElse(null), fly == null ? null : fly.region());
    } catch (ConfigException e) {
      e.problems().forEach(env::problem);
    }
    Optional<PollerConfig> poller = Optional.empty();
    if (env.flag(POLLS, false)) {
      try {
        poller = Optional.of(PollerConfig.fromEnv(environment));
      } catch (ConfigException e) {
        // Settings both read (Temporal's, the health port) are reported once.
        e.problems().forEach(env::problem);
      }
    }
    env.check();
    return new WorkerConfig(
        temporal, fly, Duration.ofSeconds(grace), port, slots, creates, pools, poller);
  }
}

package dev.lambdo.config;

import dev.lambdo.logging.LogFormat;
import dev.lambdo.event.Guardrails;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The poller's settings.
 *
 * @param dlqUrl where unrunnable messages are copied with their reason; empty leaves them to the
 *     queue's redrive policy
 * @param visibilityTimeout how long received messages stay hidden; batch workflows renew it
 * @param eventsFileBytes budget for one machine's {@code /tmp/events.json}
 * @param maxConcurrentMachines batches running at once, across all pollers
 * @param guardrails what a message may ask for; {@link Guardrails#NONE} unless set
 * @param fly Fly's settings when the poller makes each new batch's first machine before the start
 *     ({@link #makesFirstMachines}); empty otherwise
 * @param flyTokenUnused {@code LAMBDO_FLY_TOKEN} is set but creates are paced: the poller makes no
 *     machine and needs no token
 * @param pools {@code LAMBDO_POOLS}, the workers' setting, read with {@code fly}: a shape with a
 *     pool gets no machine made here
 */
public record PollerConfig(
    TemporalSettings temporal,
    String queueUrl,
    Optional<String> dlqUrl,
    Duration longPoll,
    Duration visibilityTimeout,
    int eventsPerMachine,
    int eventsFileBytes,
    int maxConcurrentMachines,
    OnFailure onFailure,
    int healthPort,
    Guardrails guardrails,
    Optional<FlySettings> fly,
    boolean flyTokenUnused,
    List<PoolSettings.Pool> pools) {
  public static final int DEFAULT_LONG_POLL_SECONDS = 10;
  /** Long enough to start a batch; its workflow renews it while the batch runs. */
  public static final int DEFAULT_VISIBILITY_SECONDS = 300;
  public static final int DEFAULT_EVENTS_PER_MACHINE = 5;
  public static final int MAX_EVENTS_PER_MACHINE = 10;
  /**
   * The events travel in workflow and activity inputs too: Temporal rejects payloads over 2 MB, so
   * the default stays far below it.
   */
  public static final int DEFAULT_EVENTS_FILE_BYTES = 256 * 1024;
  /** SQS's largest message since 2025 (1 MiB); the Go original's was 256 KiB. */
  public static final int MAX_EVENTS_FILE_BYTES = 1024 * 1024;
  public static final int DEFAULT_MAX_CONCURRENT_MACHINES = 50;

  /**
   * {@code LAMBDO_EVENTS_FILE_BYTES}: read by the pollers and by senders, who check an event against
   * it before sending.
   */
  public static int eventsFileBytes(EnvReader env) {
    return env.integer("LAMBDO_EVENTS_FILE_BYTES", DEFAULT_EVENTS_FILE_BYTES, 1024, MAX_EVENTS_FILE_BYTES);
  }

  public static PollerConfig fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    TemporalSettings temporal = TemporalSettings.read(env, environment);
    String queueUrl = env.required("LAMBDO_SQS_QUEUE_URL");
    Optional<String> dlq = env.optional("LAMBDO_DLQ_URL");
    // SQS caps a long poll at 20 seconds.
    int poll = env.integer("LAMBDO_SQS_LONG_POLL_SECONDS", DEFAULT_LONG_POLL_SECONDS, 0, 20);
    // SQS accepts up to 12 hours; under 10 seconds the renewals (every third of it) could not keep up.
    int visibility =
        env.integer("LAMBDO_SQS_VISIBILITY_SECONDS", DEFAULT_VISIBILITY_SECONDS, 10, 43_200);
    int perMachine =
        env.integer(
            "LAMBDO_EVENTS_PER_MACHINE", DEFAULT_EVENTS_PER_MACHINE, 1, MAX_EVENTS_PER_MACHINE);
    int fileBytes = eventsFileBytes(env);
    int maxMachines =
        env.integer(
            "LAMBDO_MAX_CONCURRENT_MACHINES", DEFAULT_MAX_CONCURRENT_MACHINES, 1, 100_000);
    OnFailure onFailure = env.choice("LAMBDO_ON_FAILURE", OnFailure.class, OnFailure.ACK);
    int healthPort = env.integer("LAMBDO_HEALTH_PORT", 8080, 0, 65535);
    // Read by the logging set-up before this runs (dev.lambdo.logging); checked here so a typo stops the start.
    env.choice(LogFormat.VARIABLE, LogFormat.class, LogFormat.JSON);
    Guardrails guardrails = Guardrails.read(env);
    // The workers' settings, read only to make first machines as they would: with Fly's token and
    // creates unpaced. Paced creates must pass the server's pace for the whole app, which a
    // poller's create would skip.
    boolean token = env.optional(FlySettings.TOKEN).isPresent();
    boolean unpaced = token
        && env.decimal(WorkerConfig.CREATES_PER_SECOND, WorkerConfig.DEFAULT_CREATES_PER_SECOND, 0, 10_000) == 0;
    Optional<FlySettings> fly = unpaced ? Optional.ofNullable(FlySettings.read(env)) : Optional.empty();
    List<PoolSettings.Pool> pools = List.of();
    if (unpaced) {
      try {
        pools = PoolSettings.parse(env.optional(PoolSettings.VARIABLE).orElse(null),
            fly.map(FlySettings::region).orElse(null));
      } catch (ConfigException e) {
        e.problems().forEach(env::problem);
      }
    }
    env.check();
    return new PollerConfig(
        temporal,
        queueUrl,
        dlq,
        Duration.ofSeconds(poll),
        Duration.ofSeconds(visibility),
        perMachine,
        fileBytes,
        maxMachines,
        onFailure,
        healthPort,
        guardrails,
        fly,
        token && !unpaced,
        pools);
  }

  /**
   * Whether this poller makes each new batch's first machine before its start: given Fly's token
   * ({@code LAMBDO_FLY_TOKEN}), with creates unpaced ({@code LAMBDO_FLY_CREATES_PER_SECOND=0}).
   */
  public boolean makesFirstMachines() {
    return fly.isPresent();
  }
}

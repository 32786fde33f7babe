package dev.lambdo.poller;

import dev.lambdo.config.ConfigException;
import dev.lambdo.config.PollerConfig;
import dev.lambdo.health.HealthServer;
import dev.lambdo.health.Readiness;
import dev.lambdo.metrics.AppMetrics;
import dev.lambdo.sqs.SqsClients;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.workflow.TemporalClients;
import io.temporal.client.WorkflowClient;
import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The poller process: turns SQS batches into batch workflows until SIGTERM. */
public final class PollerMain {
  private static final Logger log = LoggerFactory.getLogger(PollerMain.class);

  private PollerMain() {}

  public static void main(String[] args) throws Exception {
    PollerConfig config;
    try {
      config = PollerConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      log.error("{}", e.getMessage());
      System.exit(2);
      return;
    }
    if (config.makesFirstMachines()) {
      log.info("makes each new batch's first machine in Fly app {} before its start (creates unpaced)",
          config.fly().orElseThrow().app());
    } else if (config.flyTokenUnused()) {
      log.warn("LAMBDO_FLY_TOKEN is set, but creates are paced (LAMBDO_FLY_CREATES_PER_SECOND is not 0): the"
          + " workers make every machine and this poller needs no token");
    }
    AppMetrics metrics = new AppMetrics();
    WorkflowClient client = TemporalClients.connect(config.temporal(), metrics.temporalScope());
    SqsClient sqs = SqsClients.fromEnvironment();
    Poller poller = Pollers.create(client, config, new SqsQueue(sqs), metrics.registry());
    Readiness readiness = Pollers.readiness(client, config, sqs, metrics.registry());
    readiness.bindTo(metrics.registry());
    // Main waits for the loop's end (below), so it needs no word of a failure.
    PollerThread loop = PollerThread.start(poller, failure -> {});
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping: finishing the round in hand");
      boolean stopped = loop.stop(stopPatience(config));
      // A clean stop is a success: exit 0 rather than the JVM's 143 for SIGTERM.
      Runtime.getRuntime().halt(stopped && loop.failure().isEmpty() ? 0 : 1);
    }));
    // Live while the receive loop runs, whatever SQS and Temporal do: those are readiness's.
    try (HealthServer health = new HealthServer(config.healthPort(), loop::isAlive, readiness, metrics)) {
      log.info("poller up: {} -> {}, /health, /ready and /metrics on :{}", config.queueUrl(), config.temporal(),
          health.port());
      loop.join();
      if (loop.failure().isPresent()) {
        // Non-zero, so Fly's restart policy starts the process again (PollerThread).
        System.exit(1);
      }
    }
  }

  /** Long enough for a receive under way to come back, and its batches to start or go back. */
  private static Duration stopPatience(PollerConfig config) {
    return config.longPoll().plusSeconds(30);
  }
}

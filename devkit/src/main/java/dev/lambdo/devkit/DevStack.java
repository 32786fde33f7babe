package dev.lambdo.devkit;

import dev.lambdo.config.PollerConfig;
import dev.lambdo.config.WorkerConfig;
import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.devkit.sqs.Producer;
import dev.lambdo.devkit.temporal.TemporalServer;
import dev.lambdo.health.HealthServer;
import dev.lambdo.health.Readiness;
import dev.lambdo.metrics.AppMetrics;
import dev.lambdo.poller.Poller;
import dev.lambdo.poller.Pollers;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.worker.WorkerMain;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The whole system in one JVM with no cloud account: embedded SQS (queue + DLQ), the Fly
 * emulator, a Temporal server, a worker and a poller, configured through the same env settings a
 * deployment uses.
 */
public final class DevStack implements AutoCloseable {
  public static final String QUEUE = "lambdo";
  public static final String FLY_APP = "lambdo-dev";
  public static final String FLY_TOKEN = "dev-token";

  private final EmbeddedSqs sqs;
  private final EmbeddedSqs.Queues queues;
  private final FlyEmulator fly;
  private final TemporalServer temporal;
  private final WorkflowClient client;
  private final AppMetrics metrics = new AppMetrics();
  private final WorkerFactory worker;
  private final Poller poller;
  private final Thread pollerThread;
  private final HealthServer workerHealth;
  private final HealthServer pollerHealth;
  private final Map<String, String> env;

  /**
   * @param temporal a started server (the caller chooses CLI or in-process)
   * @param overrides settings that replace the dev defaults (LAMBDO_EVENTS_PER_MACHINE, say)
   */
  public static DevStack start(TemporalServer temporal, int sqsPort, int flyPort, Path dataDir,
      Map<String, String> overrides) throws IOException {
    return new DevStack(temporal, new EmbeddedSqs(sqsPort), flyPort, dataDir, overrides);
  }

  /** As {@link #start}, with the queues and their messages kept in {@code dataDir/sqs} across restarts. */
  public static DevStack startKeepingQueues(TemporalServer temporal, int sqsPort, int flyPort, Path dataDir,
      Map<String, String> overrides) throws IOException {
    return new DevStack(temporal, new EmbeddedSqs(sqsPort, dataDir.resolve("sqs")), flyPort, dataDir, overrides);
  }

  private DevStack(TemporalServer temporal, EmbeddedSqs sqs, int flyPort, Path dataDir, Map<String, String> overrides)
      throws IOException {
    this.temporal = temporal;
    this.sqs = sqs;
    queues = sqs.createQueues(QUEUE, 30);
    fly = new FlyEmulator(flyPort, FLY_TOKEN, dataDir.resolve("machines"));
    env = new HashMap<>();
    env.put("LAMBDO_SQS_QUEUE_URL", queues.main());
    env.put("LAMBDO_DLQ_URL", queues.dlq());
    env.putAll(fly.workerSettings(FLY_APP));
    env.put("LAMBDO_SQS_LONG_POLL_SECONDS", "1");
    env.put("LAMBDO_LOG_GRACE_SECONDS", "5");
    env.put("LAMBDO_HEALTH_PORT", "0");
    if (!temporal.isInProcess()) {
      env.put("TEMPORAL_ADDRESS", temporal.address());
    }
    env.putAll(overrides);
    client = temporal.client();
    // The apps' own client, metered as a deployed app's is; tests keep the server's.
    WorkflowClient apps = temporal.client(metrics.temporalScope());
    SqsQueue queue = new SqsQueue(sqs.client());
    WorkerConfig workerConfig = WorkerConfig.fromEnv(env);
    PollerConfig pollerConfig = PollerConfig.fromEnv(env);
    worker = WorkerMain.start(apps, workerConfig, queue, metrics.registry());
    poller = Pollers.create(apps, pollerConfig, queue, metrics.registry());
    pollerThread = Thread.ofPlatform().name("poller").daemon().start(poller);
    Readiness workerReady = WorkerMain.readiness(apps, workerConfig, sqs.client(), metrics.registry());
    // One registry for both apps here: the worker's checks (Temporal, SQS, Fly) cover the poller's.
    workerReady.bindTo(metrics.registry());
    workerHealth = new HealthServer(workerConfig.healthPort(), () -> worker.isStarted() && !worker.isShutdown(),
        workerReady, metrics);
    pollerHealth = new HealthServer(pollerConfig.healthPort(), pollerThread::isAlive,
        Pollers.readiness(apps, pollerConfig, sqs.client(), metrics.registry()), metrics);
  }

  public EmbeddedSqs sqs() {
    return sqs;
  }

  public EmbeddedSqs.Queues queues() {
    return queues;
  }

  /** Sends events to the stack's queue. */
  public Producer producer() {
    return new Producer(sqs.client(), queues.main());
  }

  public FlyEmulator fly() {
    return fly;
  }

  public WorkflowClient client() {
    return client;
  }

  public TemporalServer temporal() {
    return temporal;
  }

  /**
   * The worker's {@code /health}, {@code /ready} and {@code /metrics}, e.g. {@code
   * http://127.0.0.1:40123}; the metrics are the whole stack's, one JVM's.
   */
  public String workerUrl() {
    return "http://127.0.0.1:" + workerHealth.port();
  }

  /** The poller's {@code /health}, {@code /ready} and {@code /metrics}. */
  public String pollerUrl() {
    return "http://127.0.0.1:" + pollerHealth.port();
  }

  /** The settings worker and poller run with: what a separate process would need in its env. */
  public Map<String, String> env() {
    return Map.copyOf(env);
  }

  @Override
  public void close() {
    workerHealth.close();
    pollerHealth.close();
    poller.stop();
    try {
      pollerThread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    worker.shutdownNow();
    worker.awaitTermination(10, TimeUnit.SECONDS);
    fly.close();
    sqs.close();
    metrics.close();
  }
}

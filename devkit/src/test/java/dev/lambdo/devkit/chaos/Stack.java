package dev.lambdo.devkit.chaos;

import dev.lambdo.devkit.e2e.AppProcess;
import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.devkit.temporal.TemporalServer;
import io.temporal.client.WorkflowClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Lambdo's pieces, each a process of its own, as in production: the {@code temporal} CLI's dev
 * server with its database in a file, ElasticMQ ({@link SqsMain}), the Fly emulator from the
 * devkit's jar (as Compose runs it), the worker and the pollers from their jars. The apps reach
 * SQS through a {@link SqsLink} the suite can cut; the suite itself reaches it directly.
 */
final class Stack implements AutoCloseable {
  static final String TOKEN = "chaos-token";
  static final String APP = "chaos";
  /** Faster than Fly's 1/s, which would make the suite wait on pacing, not on faults. */
  static final String CREATES_PER_SECOND = "10";

  private final Path dir;
  private final List<AppProcess> pollers = new ArrayList<>();
  /** Every worker started, killed ones too. */
  private final List<AppProcess> workers = new ArrayList<>();
  /** Every poller started since {@link #startPollers}, killed ones too: their logs tell what happened. */
  private final List<AppProcess> pollersOfRun = new ArrayList<>();
  /** The running pollers' env, for one started in a killed one's place. */
  private Map<String, String> pollerEnv = Map.of();
  private TemporalServer temporal;
  private WorkflowClient client;
  private AppProcess sqsProcess;
  private SqsLink sqsLink;
  private SqsClient sqs;
  private AppProcess emulator;
  private EmulatorAdmin fly;
  private String flyUrl;
  private AppProcess worker;
  private int launches;

  private Stack(Path dir) {
    this.dir = dir;
  }

  static Stack start(Path dir) throws Exception {
    Files.createDirectories(dir);
    Stack stack = new Stack(dir);
    try {
      stack.temporal = TemporalServer.startCli(dir.resolve("temporal"), true);
      stack.client = stack.temporal.client();
      stack.startSqs();
      stack.startEmulator();
      stack.startWorker();
      return stack;
    } catch (Exception | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startSqs() throws Exception {
    int port = EmbeddedSqs.freePort();
    sqsProcess = AppProcess.ofMain("sqs", SqsMain.class, List.of(Integer.toString(port)), Map.of(), dir);
    sqs = SqsClient.builder().endpointOverride(URI.create("http://localhost:" + port))
        .region(Region.of(EmbeddedSqs.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("chaos", "chaos")))
        .build();
    Await.require("SQS to answer", Duration.ofSeconds(60), () -> sqs.listQueues().sdkHttpResponse().isSuccessful());
    sqsLink = new SqsLink(port);
  }

  private void startEmulator() throws Exception {
    int port = EmbeddedSqs.freePort();
    emulator = new AppProcess("emulator", Path.of(System.getProperty("lambdo.devkit.jar")), Map.of(
        "LAMBDO_EMULATOR_PORT", Integer.toString(port),
        "LAMBDO_EMULATOR_TOKEN", TOKEN,
        "LAMBDO_EMULATOR_DIR", dir.resolve("machines").toString(),
        "LAMBDO_EMULATOR_RATE_LIMITS", "off",
        "LAMBDO_HEALTH_PORT", "0"), dir);
    flyUrl = "http://127.0.0.1:" + port;
    fly = new EmulatorAdmin(flyUrl, TOKEN);
    Await.require("the emulator to answer", Duration.ofSeconds(60), () -> fly.stats() != null);
  }

  /** What the worker and pollers share: where Temporal and SQS are. */
  private Map<String, String> appEnv() {
    return Map.of(
        "TEMPORAL_ADDRESS", temporal.address(),
        "AWS_ENDPOINT_URL_SQS", sqsLink.endpoint(),
        "AWS_REGION", EmbeddedSqs.REGION,
        "AWS_ACCESS_KEY_ID", "chaos",
        "AWS_SECRET_ACCESS_KEY", "chaos-secret",
        "LAMBDO_HEALTH_PORT", "0",
        "PATH", System.getenv("PATH"));
  }

  void startWorker() throws IOException {
    startWorker(Map.of());
  }

  /** @param settings LAMBDO_* on top of the stack's, for one scenario */
  void startWorker(Map<String, String> settings) throws IOException {
    Map<String, String> env = new HashMap<>(appEnv());
    env.putAll(Map.of(
        "LAMBDO_FLY_TOKEN", TOKEN,
        "LAMBDO_FLY_APP", APP,
        "LAMBDO_FLY_API_URL", flyUrl,
        "LAMBDO_FLY_LOGS_URL", flyUrl,
        "LAMBDO_LOG_GRACE_SECONDS", "3",
        "LAMBDO_FLY_CREATES_PER_SECOND", CREATES_PER_SECOND,
        // Only the pooled scenario's image has a pool: every other scenario creates per batch.
        "LAMBDO_POOLS", "[{\"image\":\"chaos/" + Crashes.POOLED + ":1\",\"size\":\"performance-2x\",\"region\":\"iad\",\"max\":2,"
            + "\"idle_seconds\":60}]"));
    env.putAll(settings);
    worker = new AppProcess("worker-" + ++launches, Path.of(System.getProperty("lambdo.worker.jar")), env, dir);
    workers.add(worker);
  }

  /** The logs of every worker started, one after another. */
  String workerLogs() throws IOException {
    StringBuilder logs = new StringBuilder();
    for (AppProcess started : workers) {
      logs.append(started.log());
    }
    return logs.toString();
  }

  /** SIGKILL to the worker, as a crashed VM: activities in hand are never reported. */
  void killWorker() throws InterruptedException {
    worker.kill();
  }

  /**
   * Starts {@code count} pollers reading {@code queues} with {@code settings} (LAMBDO_* on top of
   * the stack's), replacing any running.
   */
  void startPollers(int count, EmbeddedSqs.Queues queues, Map<String, String> settings) throws Exception {
    stopPollers();
    pollersOfRun.clear();
    for (int i = 0; i < count; i++) {
      pollers.add(poller(queues, settings));
    }
  }

  private AppProcess poller(EmbeddedSqs.Queues queues, Map<String, String> settings) throws IOException {
    Map<String, String> env = new HashMap<>(appEnv());
    env.put("LAMBDO_SQS_QUEUE_URL", queues.main());
    env.put("LAMBDO_DLQ_URL", queues.dlq());
    env.put("LAMBDO_SQS_LONG_POLL_SECONDS", "1");
    env.putAll(settings);
    pollerEnv = env;
    return launchPoller();
  }

  private AppProcess launchPoller() throws IOException {
    AppProcess poller = new AppProcess("poller-" + ++launches, Path.of(System.getProperty("lambdo.poller.jar")),
        pollerEnv, dir);
    pollersOfRun.add(poller);
    return poller;
  }

  /** The logs of every poller since {@link #startPollers}, one after another. */
  String pollerLogs() throws IOException {
    StringBuilder logs = new StringBuilder();
    for (AppProcess poller : pollersOfRun) {
      logs.append(poller.log());
    }
    return logs.toString();
  }

  /** SIGKILL to poller {@code index}, then a new one in its place with the same settings. */
  void killAndRestartPoller(int index) throws Exception {
    pollers.get(index).kill();
    pollers.set(index, launchPoller());
  }

  void stopPollers() throws InterruptedException {
    for (AppProcess poller : pollers) {
      poller.stop();
    }
    pollers.clear();
  }

  /** SIGKILL to the Temporal server: its database file is all that is left of it. */
  void killTemporal() throws InterruptedException {
    temporal.kill();
  }

  /** The server again on its ports and database file; the apps reconnect on their own. */
  void restartTemporal() throws Exception {
    temporal = temporal.restart();
    client = temporal.client();
  }

  void cutSqs() throws IOException {
    sqsLink.down();
  }

  void restoreSqs() throws IOException {
    sqsLink.up();
  }

  WorkflowClient client() {
    return client;
  }

  /** SQS as the suite sees it: straight to the SQS process, never cut. */
  SqsClient sqs() {
    return sqs;
  }

  EmulatorAdmin fly() {
    return fly;
  }

  Path dir() {
    return dir;
  }

  /** How many of the stack's processes run: the server, SQS, the emulator, the worker, the pollers. */
  int processesAlive() {
    int alive = (temporal.isAlive() ? 1 : 0) + (sqsProcess.isAlive() ? 1 : 0) + (emulator.isAlive() ? 1 : 0)
        + (worker.isAlive() ? 1 : 0);
    return alive + (int) pollers.stream().filter(AppProcess::isAlive).count();
  }

  int processes() {
    return 4 + pollers.size();
  }

  @Override
  public void close() {
    pollers.forEach(AppProcess::close);
    if (emulator != null) {
      try {
        // SIGTERM: the emulator destroys its machines' processes on the way out.
        emulator.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (AutoCloseable piece : new AutoCloseable[] {worker, sqsLink, sqsProcess, sqs, temporal}) {
      try {
        if (piece != null) {
          piece.close();
        }
      } catch (Exception e) {
        System.err.println("chaos: could not close " + piece + ": " + e);
      }
    }
  }
}

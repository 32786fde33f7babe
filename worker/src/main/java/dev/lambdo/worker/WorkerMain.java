package dev.lambdo.worker;

import dev.lambdo.metrics.MachineMetrics;
import dev.lambdo.config.ConfigException;
import dev.lambdo.config.PollerConfig;
import dev.lambdo.config.WorkerConfig;
import dev.lambdo.health.DependencyCheck;
import dev.lambdo.health.FlyCheck;
import dev.lambdo.health.HealthServer;
import dev.lambdo.health.Readiness;
import dev.lambdo.health.SqsCheck;
import dev.lambdo.health.TemporalCheck;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.metrics.AppMetrics;
import dev.lambdo.poller.FirstMachines;
import dev.lambdo.poller.PollerThread;
import dev.lambdo.poller.Pollers;
import dev.lambdo.pool.PoolActivitiesImpl;
import dev.lambdo.pool.PoolKeeperSchedule;
import dev.lambdo.pool.PoolUpkeepImpl;
import dev.lambdo.pool.Pools;
import dev.lambdo.pool.WarmPool;
import dev.lambdo.reaper.OrphanedMachinesImpl;
import dev.lambdo.reaper.ReaperSchedule;
import dev.lambdo.sqs.SqsClients;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.workflow.TemporalClients;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;

/** The worker process: runs batch workflows and their activities until SIGTERM. */
public final class WorkerMain {
  private static final Logger log = LoggerFactory.getLogger(WorkerMain.class);

  private WorkerMain() {}

  public static void main(String[] args) throws Exception {
    WorkerConfig config;
    try {
      config = WorkerConfig.fromEnv(System.getenv());
    } catch (ConfigException e) {
      log.error("{}", e.getMessage());
      System.exit(2);
      return;
    }
    AppMetrics metrics = new AppMetrics();
    WorkflowClient client = TemporalClients.connect(config.temporal(), metrics.temporalScope());
    SqsClient sqs = SqsClients.fromEnvironment();
    Readiness readiness = readiness(client, config, sqs, metrics.registry());
    readiness.bindTo(metrics.registry());
    ProcessLifecycle lifecycle = new ProcessLifecycle(
        config.poller().map(p -> ProcessLifecycle.pollerPatience(p.longPoll())).orElse(Duration.ZERO));
    // Main waits for a stop to have run, or for the poller's loop to die (then it exits non-zero).
    CountDownLatch ended = new CountDownLatch(1);
    AtomicReference<Throwable> pollerDied = new AtomicReference<>();
    Consumer<Throwable> onPollerDeath = failure -> {
      pollerDied.set(failure);
      ended.countDown();
    };
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      int code = lifecycle.stop();
      ended.countDown();
      // A clean stop is a success: exit 0 rather than the JVM's 143 for SIGTERM.
      Runtime.getRuntime().halt(code);
    }));
    // Live while the worker runs or waits for Temporal, whatever Temporal, SQS and Fly do: those are readiness's.
    try (HealthServer health = new HealthServer(config.healthPort(), lifecycle::isLive, readiness, metrics)) {
      new TemporalWait(new TemporalCheck(client.getWorkflowServiceStubs(), client.getOptions().getNamespace()),
          Thread::sleep, log::warn).await(config.temporal().address());
      SqsQueue queue = new SqsQueue(sqs);
      WorkerParts parts = WorkerParts.of(client, config, metrics.registry());
      // The poller once the worker runs, on the worker's own client: eager starts need both.
      if (lifecycle.startWorker(() -> start(client, config, queue, metrics.registry(), parts))
          && config.poller().map(p -> lifecycle.startPoller(
                  () -> startPoller(client, p, queue, metrics.registry(), parts.first(), onPollerDeath)))
              .orElse(true)) {
        log.info("worker up: {} fly app {}{}, /health, /ready and /metrics on :{}", config.temporal(),
            config.fly().app(), config.poller().map(p -> ", polling " + p.queueUrl()).orElse(""), health.port());
      }
      ended.await();
      if (pollerDied.get() != null) {
        // The stop the exit runs finishes the worker's activities in hand, then exits 1; /health
        // answers meanwhile, as on a SIGTERM.
        System.exit(1);
      }
    }
  }

  /**
   * Builds and starts a worker factory with Lambdo's workflow and activities; used by devkit too.
   *
   * @param metrics where the machine activities' and the Fly client's meters go; the SDK's go to
   *     the client's own metrics scope
   */
  public static WorkerFactory start(WorkflowClient client, WorkerConfig config, SqsQueue sqs, MeterRegistry metrics) {
    return start(client, config, sqs, metrics, WorkerParts.of(client, config, metrics));
  }

  /** @param parts what the worker shares with a poller beside it ({@link #startPoller}) */
  public static WorkerFactory start(WorkflowClient client, WorkerConfig config, SqsQueue sqs, MeterRegistry metrics,
      WorkerParts parts) {
    WorkerFactory factory = WorkerFactory.newInstance(client, LambdoWorker.factoryOptions());
    FlyClient fly = parts.fly();
    RunInputs inputs = new RunInputs(client);
    MachineMetrics machineMetrics = parts.machineMetrics();
    MachineActivitiesImpl machines = new MachineActivitiesImpl(
        fly, MachineActivitiesImpl.Timing.defaults(config.logGrace()),
        config.fly().region(), Clock.systemUTC(), inputs, config.createsPerSecond(),
        machineMetrics);
    Pools pools = parts.pools();
    WarmPool warm = new WarmPool(fly);
    LambdoWorker.register(factory, config.temporal().taskQueue(), config.maxConcurrentActivities(),
        config.createsPerSecond(), machines, new MessageActivitiesImpl(sqs), new SlotActivitiesImpl(client),
        new OrphanedMachinesImpl(fly, client), inputs, pools,
        new PoolActivitiesImpl(warm, pools, inputs, machineMetrics, Clock.systemUTC()),
        new PoolUpkeepImpl(warm, pools, Clock.systemUTC(), metrics));
    factory.start();
    ReaperSchedule.ensure(client, config.temporal().taskQueue());
    if (!pools.all().isEmpty()) {
      PoolKeeperSchedule.ensure(client, config.temporal().taskQueue());
    }
    return factory;
  }

  /**
   * Runs a poller in this process ({@link WorkerConfig#POLLS}). It must share {@code client} with
   * the worker factory: the SDK hands a start's first workflow task to a worker of the same client.
   *
   * @param metrics where the poller's meters go, beside the worker's
   * @param first the first machines the poller makes before its starts ({@link WorkerParts#first})
   * @param onFailure told if the poller's loop dies ({@link PollerThread})
   */
  public static PollerThread startPoller(WorkflowClient client, PollerConfig config, SqsQueue sqs, MeterRegistry metrics,
      FirstMachines first, Consumer<Throwable> onFailure) {
    return PollerThread.start(Pollers.besideWorker(client, config, sqs, metrics, first), onFailure);
  }

  /**
   * Ready while Temporal answers for the namespace, SQS takes the worker's keys and Fly its token;
   * a worker that polls needs its queue readable too.
   */
  public static Readiness readiness(WorkflowClient client, WorkerConfig config, SqsClient sqs, MeterRegistry metrics) {
    Map<String, DependencyCheck> checks = new LinkedHashMap<>();
    checks.put("temporal", new TemporalCheck(client.getWorkflowServiceStubs(), client.getOptions().getNamespace()));
    checks.put("sqs", SqsCheck.forService(sqs));
    checks.put("fly", FlyCheck.of(config.fly(), metrics));
    config.poller().ifPresent(poller -> checks.put("sqs-queue", SqsCheck.forQueue(sqs, poller.queueUrl())));
    return new Readiness(checks);
  }
}

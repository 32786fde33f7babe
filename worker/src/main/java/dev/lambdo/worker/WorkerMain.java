package dev.lambdo.worker;

import dev.lambdo.config.ConfigException;
import dev.lambdo.config.WorkerConfig;
import dev.lambdo.health.HealthServer;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.reaper.OrphanedMachinesImpl;
import dev.lambdo.reaper.ReaperSchedule;
import dev.lambdo.sqs.SqsClients;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.workflow.TemporalClients;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    WorkflowClient client = TemporalClients.connect(config.temporal());
    SqsQueue sqs = new SqsQueue(SqsClients.fromEnvironment());
    WorkerFactory factory = start(client, config, sqs);
    CountDownLatch stopped = new CountDownLatch(1);
    try (HealthServer health = new HealthServer(config.healthPort(), () -> factory.isStarted() && !factory.isShutdown())) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        log.info("stopping: finishing activities in progress");
        factory.shutdown();
        factory.awaitTermination(30, TimeUnit.SECONDS);
        stopped.countDown();
        // A clean stop is a success: exit 0 rather than the JVM's 143 for SIGTERM.
        Runtime.getRuntime().halt(factory.isTerminated() ? 0 : 1);
      }));
      log.info("worker up: {} fly app {}, health on :{}", config.temporal(), config.fly().app(), health.port());
      stopped.await();
    }
  }

  /** Builds and starts a worker factory with Lambdo's workflow and activities; used by devkit too. */
  public static WorkerFactory start(WorkflowClient client, WorkerConfig config, SqsQueue sqs) {
    WorkerFactory factory = WorkerFactory.newInstance(client, LambdoWorker.factoryOptions());
    FlyClient fly = new FlyClient(config.fly(), new io.micrometer.core.instrument.composite.CompositeMeterRegistry());
    MachineActivitiesImpl machines = new MachineActivitiesImpl(
        fly, MachineActivitiesImpl.Timing.defaults(config.logGrace()),
        config.fly().region(), Clock.systemUTC(), new RunInputs(client), config.createsPerSecond());
    LambdoWorker.register(factory, config.temporal().taskQueue(), config.maxConcurrentActivities(),
        config.createsPerSecond(), machines, new MessageActivitiesImpl(sqs), new SlotActivitiesImpl(client),
        new OrphanedMachinesImpl(fly, client));
    factory.start();
    ReaperSchedule.ensure(client, config.temporal().taskQueue());
    return factory;
  }
}

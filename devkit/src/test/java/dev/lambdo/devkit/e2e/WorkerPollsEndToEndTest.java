package dev.lambdo.devkit.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.WorkerConfig;
import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.devkit.sqs.Producer;
import dev.lambdo.devkit.temporal.TemporalServer;
import dev.lambdo.workflow.BatchResult;
import dev.lambdo.workflow.WorkflowIds;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The worker's jar alone, with {@code LAMBDO_WORKER_POLLS=true}, runs the system as the Go
 * original's one process does: it polls the queue, runs the batch, and on SIGTERM stops its
 * poller, then its worker, and exits 0.
 */
class WorkerPollsEndToEndTest {
  private static final String TOKEN = "one-process-e2e-token";

  @Test
  void theWorkerJarAloneTurnsAnEventIntoAMachineAndStopsCleanly() throws Exception {
    Path dir = Files.createDirectories(Path.of(System.getProperty("lambdo.e2e.dir", "target/e2e")).toAbsolutePath());
    try (TemporalServer temporal = TemporalServer.startCli(Files.createTempDirectory(dir, "temporal"));
        EmbeddedSqs sqs = new EmbeddedSqs(0);
        FlyEmulator fly = new FlyEmulator(0, TOKEN, dir.resolve("one-process-machines"))) {
      EmbeddedSqs.Queues queues = sqs.createQueues("one-process", 10);
      Map<String, String> env = AppEnv.of(temporal, sqs, queues, fly, "one-process");
      env.putAll(Map.of("LAMBDO_LOG_GRACE_SECONDS", "1", WorkerConfig.POLLS, "true"));
      WorkflowClient client = temporal.client();
      try (AppProcess worker = new AppProcess("one-process", Path.of(System.getProperty("lambdo.worker.jar")), env, dir)) {
        String messageId = new Producer(sqs.client(), queues.main())
            .send("{\"alone\":true}", "image", "img:alone", "command", "[\"sh\",\"-c\",\"cat $EVENTS_PATH\"]");
        String workflowId = WorkflowIds.forMessages(List.of(messageId));
        Awaitility.await("the event ran and its message is gone").atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(250))
            .until(() -> fly.machinesCreated() == 1 && fly.machinesAlive() == 0 && sqs.approximateCount(queues.main()) == 0);
        BatchResult result = client.newUntypedWorkflowStub(workflowId).getResult(BatchResult.class);
        assertEquals(0, result.exit().exitCode());
        assertTrue(result.logTail().lines().contains("[{\"alone\":true}]"), result.logTail().lines().toString());
        assertTrue(worker.log().contains("polling " + queues.main()), "the worker says it polls: " + worker.log());

        assertEquals(0, worker.stop(), "a clean stop exits 0: " + worker.log());
        assertTrue(worker.log().contains("the poller has stopped"), worker.log());
      }
    }
  }
}

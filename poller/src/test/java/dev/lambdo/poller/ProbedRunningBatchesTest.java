package dev.lambdo.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProbedRunningBatchesTest {
  /** A server without a visibility count (the Java test server): each poller counts its own. */
  @Test
  void aServerThatCannotCountLeavesTheCountToThePoller() {
    try (TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance()) {
      ProbedRunningBatches batches = new ProbedRunningBatches(env.getWorkflowClient());
      assertEquals(0, batches.count());
      assertEquals("this poller's own", batches.mode());
    }
  }

  /**
   * Issue 11: a poller started while Temporal was down decided at once that the server could not
   * count, and kept its limit per poller for good. Unreachable decides nothing: the round fails
   * and the poll loop tries again later.
   */
  @Test
  void anUnreachableServerDecidesNothing() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
        .setTarget("127.0.0.1:" + port).setRpcTimeout(Duration.ofSeconds(2)).build());
    try {
      ProbedRunningBatches batches = new ProbedRunningBatches(WorkflowClient.newInstance(stubs));
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, batches::count);
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      assertEquals("not decided", batches.mode());
    } finally {
      stubs.shutdownNow();
    }
  }
}

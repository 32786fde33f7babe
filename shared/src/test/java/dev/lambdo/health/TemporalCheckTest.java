package dev.lambdo.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import org.junit.jupiter.api.Test;

/** What the in-process server answers is in devkit's ReadinessIntegrationTest. */
class TemporalCheckTest {
  @Test
  void aServerThatIsNotThereFailsWithinTheTimeout() {
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:1").build());
    try {
      long started = System.nanoTime();
      CheckResult result = new TemporalCheck(stubs, "default").check();
      assertFalse(result.ok());
      assertTrue(result.detail().startsWith("unreachable: "), result.detail());
      assertTrue(System.nanoTime() - started < Readiness.TIMEOUT.plusSeconds(1).toNanos());
    } finally {
      stubs.shutdownNow();
    }
  }
}

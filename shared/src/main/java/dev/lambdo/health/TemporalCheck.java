package dev.lambdo.health;

import io.grpc.StatusRuntimeException;
import io.temporal.api.workflowservice.v1.DescribeNamespaceRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.concurrent.TimeUnit;

/**
 * The Temporal server, through the app's own connection (its address, API key or TLS): asks for
 * the app's namespace, which the SDK's workers need anyway. Not ready when the server does not
 * answer, refuses the credentials, or has no such namespace.
 */
public final class TemporalCheck implements DependencyCheck {
  private final WorkflowServiceStubs stubs;
  private final String namespace;

  public TemporalCheck(WorkflowServiceStubs stubs, String namespace) {
    this.stubs = stubs;
    this.namespace = namespace;
  }

  @Override
  public CheckResult check() {
    try {
      stubs.blockingStub().withDeadlineAfter(Readiness.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .describeNamespace(DescribeNamespaceRequest.newBuilder().setNamespace(namespace).build());
      return CheckResult.ok("namespace " + namespace);
    } catch (StatusRuntimeException e) {
      String why = e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription();
      return switch (e.getStatus().getCode()) {
        case UNAUTHENTICATED, PERMISSION_DENIED -> CheckResult.failed("credentials refused (" + e.getStatus().getCode() + ")" + why);
        case NOT_FOUND -> CheckResult.failed("namespace " + namespace + " does not exist" + why);
        case UNAVAILABLE -> CheckResult.failed("unreachable" + why);
        case DEADLINE_EXCEEDED -> CheckResult.failed("no answer within " + Readiness.TIMEOUT.toMillis() + " ms");
        default -> CheckResult.failed(e.getStatus().getCode() + why);
      };
    }
  }
}

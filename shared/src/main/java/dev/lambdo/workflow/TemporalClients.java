package dev.lambdo.workflow;

import com.uber.m3.tally.NoopScope;
import com.uber.m3.tally.Scope;
import dev.lambdo.config.TemporalSettings;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;

/** Connects to the Temporal server the settings name, with their namespace, API key and TLS. */
public final class TemporalClients {
  private TemporalClients() {}

  /** A client whose SDK meters nothing: for tools that run once. */
  public static WorkflowClient connect(TemporalSettings settings) {
    return connect(settings, new NoopScope());
  }

  /** @param metrics where the SDK reports its meters, and workers their workflows' and activities' */
  public static WorkflowClient connect(TemporalSettings settings, Scope metrics) {
    WorkflowServiceStubsOptions stubsOptions = WorkflowServiceStubsOptions
        .newBuilder(settings.profile().toWorkflowServiceStubsOptions())
        .setMetricsScope(metrics)
        .build();
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(stubsOptions);
    WorkflowClientOptions options = settings.profile().toWorkflowClientOptions();
    return WorkflowClient.newInstance(stubs, options);
  }
}

package dev.lambdo.workflow;

import dev.lambdo.config.TemporalSettings;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;

/** Connects to the Temporal server the settings name, with their namespace, API key and TLS. */
public final class TemporalClients {
  private TemporalClients() {}

  public static WorkflowClient connect(TemporalSettings settings) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(settings.profile().toWorkflowServiceStubsOptions());
    WorkflowClientOptions options = settings.profile().toWorkflowClientOptions();
    return WorkflowClient.newInstance(stubs, options);
  }
}

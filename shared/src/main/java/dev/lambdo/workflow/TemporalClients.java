package dev.lambdo.workflow;

import com.uber.m3.tally.NoopScope;
import com.uber.m3.tally.Scope;
import dev.lambdo.codec.EncryptionCodec;
import dev.lambdo.codec.PayloadKeys;
import dev.lambdo.config.TemporalSettings;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.util.List;

/**
 * Connects to the Temporal server the settings name, with their namespace, API key and TLS, and
 * encrypts payloads when the settings hold keys: worker, poller and the command line all connect here.
 */
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
    if (settings.payloadKeys() != null) {
      options = options.toBuilder().setDataConverter(dataConverter(settings.payloadKeys())).build();
    }
    return WorkflowClient.newInstance(stubs, options);
  }

  /** Jackson JSON as usual, then AES-GCM; failure messages too, as they quote the machine's output. */
  public static DataConverter dataConverter(PayloadKeys keys) {
    return new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(new EncryptionCodec(keys)), true);
  }
}

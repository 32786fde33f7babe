package dev.lambdo.config;

import dev.lambdo.codec.PayloadKeys;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import java.util.Map;
import java.util.Objects;

/**
 * The Temporal server to connect to, read the way Temporal's own tools read it ({@code
 * TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY}, {@code TEMPORAL_TLS_*},
 * the config file), plus the task queue Lambdo's worker listens on and the keys payloads are
 * encrypted with ({@link PayloadKeys}; null: not encrypted).
 */
public record TemporalSettings(ClientConfigProfile profile, String taskQueue, PayloadKeys payloadKeys) {
  public static final String DEFAULT_ADDRESS = "localhost:7233";
  public static final String DEFAULT_TASK_QUEUE = "lambdo";

  public TemporalSettings {
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(taskQueue, "taskQueue");
  }

  public TemporalSettings(ClientConfigProfile profile, String taskQueue) {
    this(profile, taskQueue, null);
  }

  public String address() {
    return profile.getAddress() == null ? DEFAULT_ADDRESS : profile.getAddress();
  }

  public String namespace() {
    return profile.getNamespace() == null ? "default" : profile.getNamespace();
  }

  /** Never prints the API key or TLS material the profile may hold. */
  @Override
  public String toString() {
    return "TemporalSettings[address=" + address() + ", namespace=" + namespace()
        + ", taskQueue=" + taskQueue + ", payloads=" + (payloadKeys == null ? "plain" : "encrypted, " + payloadKeys) + "]";
  }

  static TemporalSettings read(EnvReader env, Map<String, String> environment) {
    String taskQueue = env.optional("LAMBDO_TASK_QUEUE").orElse(DEFAULT_TASK_QUEUE);
    PayloadKeys keys = PayloadKeys.read(env);
    try {
      ClientConfigProfile profile =
          ClientConfigProfile.load(
              LoadClientConfigProfileOptions.newBuilder().setEnvOverrides(environment).build());
      return new TemporalSettings(profile, taskQueue, keys);
    } catch (Exception e) {
      // The loader's message names the file or variable; it does not echo secrets.
      env.problem("Temporal client settings (TEMPORAL_*) could not be read: " + e.getMessage());
      return null;
    }
  }
}

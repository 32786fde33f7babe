package dev.lambdo.workflow;

/**
 * The metadata Lambdo gives each machine it creates: enough to find the machine again from its
 * workflow (a retried create) and the workflow from the machine (the reaper).
 */
public final class MachineMetadata {
  public static final String WORKFLOW_ID = "lambdo_workflow_id";
  public static final String ATTEMPT = "lambdo_attempt";
  /** The Temporal namespace of the workflow: several deployments may share one Fly app. */
  public static final String NAMESPACE = "lambdo_namespace";
  /** The warm pool a machine belongs to: its shape's key ({@link dev.lambdo.config.PoolSettings.Pool#key}). */
  public static final String POOL = "lambdo_pool";
  /** "true" on a pooled machine waiting, stopped, for its next batch. */
  public static final String IDLE = "lambdo_idle";
  /** When a pooled machine went idle, an ISO-8601 instant: the keeper destroys it once idle too long. */
  public static final String IDLE_SINCE = "lambdo_idle_since";
  /**
   * When a batch asked a pooled machine to boot (epoch ms, the worker's clock): the machine's logs
   * before it are earlier batches'.
   */
  public static final String BOOTED_AT_MS = "lambdo_booted_at_ms";

  /** {@link #BOOTED_AT_MS} of a machine's metadata; 0 when it has none (logs are then all its own). */
  public static long bootedAtMs(java.util.Map<String, String> metadata) {
    try {
      return Long.parseLong(metadata.getOrDefault(BOOTED_AT_MS, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private MachineMetadata() {}
}

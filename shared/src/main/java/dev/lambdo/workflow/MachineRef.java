package dev.lambdo.workflow;

/**
 * The machine an attempt runs on.
 *
 * @param pool the key of the warm pool the machine belongs to and goes back to when the attempt
 *     is done; null for a machine made for this attempt alone, which is destroyed
 * @param bootedAtMs when the attempt asked a pooled machine to boot, by the worker's clock; its
 *     logs are those after this, as earlier batches' lines are in the same machine's logs. 0 for
 *     a machine that only ever ran this attempt
 */
public record MachineRef(String id, String name, String region, String instanceId, String pool, long bootedAtMs) {
  public MachineRef(String id, String name, String region, String instanceId) {
    this(id, name, region, instanceId, null, 0);
  }
}

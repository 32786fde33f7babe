package dev.lambdo.workflow;

/**
 * What a claim on a warm pool found.
 *
 * @param machine the pooled machine now running the attempt; null when none was idle
 * @param room when none was idle, whether the pool is below its max: the attempt's new machine
 *     then joins the pool (and goes back to it) instead of being destroyed
 */
public record PoolClaim(MachineRef machine, boolean room) {
  public static final PoolClaim NONE = new PoolClaim(null, false);
}

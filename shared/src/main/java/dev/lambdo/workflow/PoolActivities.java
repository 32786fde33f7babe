package dev.lambdo.workflow;

import io.temporal.activity.ActivityInterface;

/** A batch's side of a warm pool: take an idle machine for an attempt, give it back after. */
@ActivityInterface
public interface PoolActivities {
  /**
   * Takes an idle machine of the request's pool for this attempt of the calling run, under a
   * lease so no other batch can take it too, and boots it with the attempt's events, env and
   * command; or finds the one an earlier try took. With no idle machine the attempt creates one,
   * a pooled one while the pool has room ({@link PoolClaim#room}).
   */
  PoolClaim claimPoolMachine(AttemptRequest request);

  /**
   * Puts a stopped machine back in its pool, idle, with none of the attempt's files or env;
   * false when it cannot go back (gone, or its pool is no longer configured) and should be destroyed.
   */
  boolean returnToPool(MachineRef machine);
}

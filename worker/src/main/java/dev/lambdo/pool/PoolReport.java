package dev.lambdo.pool;

import java.util.List;

/**
 * One pool after a round of upkeep; the keeper's result in the Web UI.
 *
 * @param idle stopped machines waiting for a batch, after the round
 * @param busy machines running a batch (or between a batch and its give-back)
 * @param added machines created this round to bring idle up to the pool's min
 * @param destroyed ids of idle machines destroyed this round: idle too long, or above the max
 * @param problem why the round stopped short (Fly refused or rate-limited a call); null when it did not
 */
public record PoolReport(String pool, int idle, int busy, int added, List<String> destroyed, String problem) {
  public PoolReport {
    destroyed = List.copyOf(destroyed);
  }
}

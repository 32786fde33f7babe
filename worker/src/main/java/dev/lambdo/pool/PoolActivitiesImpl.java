package dev.lambdo.pool;

import dev.lambdo.config.PoolSettings;
import dev.lambdo.event.Batch;
import dev.lambdo.fly.FlyApiException;
import dev.lambdo.fly.Machine;
import dev.lambdo.fly.MachineConfig;
import dev.lambdo.workflow.BatchMachineConfig;
import dev.lambdo.worker.FlyFailures;
import dev.lambdo.metrics.MachineMetrics;
import dev.lambdo.worker.BatchLookup;
import dev.lambdo.workflow.AttemptRequest;
import dev.lambdo.workflow.MachineMetadata;
import dev.lambdo.workflow.MachineRef;
import dev.lambdo.workflow.PoolActivities;
import dev.lambdo.workflow.PoolClaim;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The pool steps of a batch against the Fly Machines API, through {@link WarmPool}. */
public final class PoolActivitiesImpl implements PoolActivities {
  /** How long a claim waits for a busy pool to give a machine back before the batch creates one. */
  static final Duration CLAIM_WAIT = Duration.ofSeconds(10);
  private static final Duration CLAIM_RETRY_PAUSE = Duration.ofMillis(50);
  private static final Logger log = LoggerFactory.getLogger(PoolActivitiesImpl.class);

  private final WarmPool warm;
  private final Pools pools;
  private final BatchLookup inputs;
  private final MachineMetrics metrics;
  private final Clock clock;

  public PoolActivitiesImpl(WarmPool warm, Pools pools, BatchLookup inputs, MachineMetrics metrics, Clock clock) {
    this.warm = warm;
    this.pools = pools;
    this.inputs = inputs;
    this.metrics = metrics;
    this.clock = clock;
  }

  @Override
  public PoolClaim claimPoolMachine(AttemptRequest request) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    Optional<PoolSettings.Pool> pool = pools.byKey(request.pool());
    if (pool.isEmpty()) {
      // The run chose the pool on a worker configured with it; this one is not: create instead.
      log.warn("{}: this worker has no pool {}: creating a machine instead", info.getWorkflowId(), request.pool());
      return PoolClaim.NONE;
    }
    Batch batch = inputs.batchOf(info.getWorkflowId(), info.getWorkflowRunId());
    Batch running = request.messageIds() == null ? batch : batch.only(request.messageIds());
    String attempt = Integer.toString(request.attempt());
    try {
      if (Activity.getExecutionContext().getInfo().getAttempt() > 1) {
        // An earlier try may have claimed one before its answer was lost: it is this attempt's.
        Optional<Machine> earlier = warm.claimedBy(info.getWorkflowId(), request.attempt());
        if (earlier.isPresent()) {
          log.info("{} attempt {}: machine {} from pool {}, claimed by an earlier try", info.getWorkflowId(), attempt,
              earlier.get().id(), pool.get().key());
          metrics.firstMachine(running, request.attempt(), clock.millis());
          return new PoolClaim(ref(earlier.get(), pool.get(), MachineMetadata.bootedAtMs(earlier.get().metadata())), false);
        }
      }
      long[] booting = new long[1];
      Optional<Machine> claimed = claimWithin(pool.get(), () -> {
        // Taken just before each try: the logs after it are this boot's, none of an earlier batch's.
        booting[0] = clock.millis();
        return BatchMachineConfig.of(running, info.getWorkflowId(), request.attempt(), Map.of(
            MachineMetadata.WORKFLOW_ID, info.getWorkflowId(), MachineMetadata.ATTEMPT, attempt,
            MachineMetadata.NAMESPACE, info.getNamespace(), MachineMetadata.BOOTED_AT_MS, Long.toString(booting[0])));
      });
      if (claimed.isEmpty()) {
        boolean room = warm.reserve(pool.get());
        log.info("{} attempt {}: no idle machine in pool {} (max {}){}", info.getWorkflowId(), attempt,
            pool.get().key(), pool.get().max(), room ? ": a new one joins it" : "");
        return new PoolClaim(null, room);
      }
      log.info("{} attempt {}: took machine {} from pool {}", info.getWorkflowId(), attempt, claimed.get().id(),
          pool.get().key());
      metrics.firstMachine(running, request.attempt(), clock.millis());
      return new PoolClaim(ref(claimed.get(), pool.get(), booting[0]), false);
    } catch (FlyApiException e) {
      throw FlyFailures.translate(e);
    }
  }

  /**
   * Waits up to {@link #CLAIM_WAIT} for a machine of the pool to come back: a pooled batch takes
   * a few seconds, a create waits its turn at Fly's one a second per app.
   */
  private Optional<Machine> claimWithin(PoolSettings.Pool pool, Supplier<MachineConfig> config) {
    long deadline = System.nanoTime() + CLAIM_WAIT.toNanos();
    while (true) {
      Optional<Machine> claimed = warm.claim(pool, config.get());
      if (claimed.isPresent() || System.nanoTime() > deadline) {
        return claimed;
      }
      try {
        Thread.sleep(CLAIM_RETRY_PAUSE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  @Override
  public boolean returnToPool(MachineRef machine) {
    Optional<PoolSettings.Pool> pool = pools.byKey(machine.pool());
    if (pool.isEmpty()) {
      log.info("machine {}: this worker has no pool {}: it is destroyed", machine.id(), machine.pool());
      return false;
    }
    try {
      return warm.giveBack(pool.get(), machine.id(), machine.instanceId(),
          Activity.getExecutionContext().getInfo().getWorkflowId());
    } catch (PoolBusyException e) {
      throw e.retryLater();
    } catch (FlyApiException e) {
      throw FlyFailures.translate(e);
    }
  }

  private static MachineRef ref(Machine m, PoolSettings.Pool pool, long bootedAtMs) {
    return new MachineRef(m.id(), m.name(), m.region(), m.instanceId(), pool.key(), bootedAtMs);
  }
}

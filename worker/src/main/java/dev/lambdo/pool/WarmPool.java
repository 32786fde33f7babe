package dev.lambdo.pool;

import dev.lambdo.config.PoolSettings;
import dev.lambdo.fly.CreateMachineRequest;
import dev.lambdo.fly.FlyApiException;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.Machine;
import dev.lambdo.fly.MachineConfig;
import dev.lambdo.fly.MachineLease;
import dev.lambdo.workflow.MachineMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Machines of a warm pool change hands under Fly's machine leases (docs/fly-machines-api.md §3):
 * a batch leases an idle machine, checks it is still idle, updates it with its own config (which
 * boots it from the image, so nothing of the last batch is left) and lets the lease go; the
 * machine then belongs to the batch by its metadata. Giving it back is an update to the pool's
 * idle config, which wipes the batch's events too. A lease held by a worker that died lapses
 * after {@link #LEASE_TTL}.
 */
public final class WarmPool {
  private static final Logger log = LoggerFactory.getLogger(WarmPool.class);
  /** Long enough for a lease, a get and an update; short enough that a crashed claim frees the machine soon. */
  static final Duration LEASE_TTL = Duration.ofSeconds(30);

  private final FlyClient fly;

  public WarmPool(FlyClient fly) {
    this.fly = fly;
  }

  /** What an idle machine of {@code pool} holds: the image and guest, no command, env or files. */
  public static MachineConfig idleConfig(PoolSettings.Pool pool) {
    return new MachineConfig(pool.image(), null, Map.of(), List.of(), pool.guest(), new MachineConfig.Restart("no"),
        Map.of(MachineMetadata.POOL, pool.key(), MachineMetadata.IDLE, "true"), false);
  }

  /** A new idle machine, created and not launched: its image is ready for the first claim. */
  public Machine add(PoolSettings.Pool pool) {
    return fly.create(new CreateMachineRequest(null, pool.region(), idleConfig(pool), true));
  }

  /** The pool's idle machines, as Fly lists them now. */
  public List<Machine> idle(PoolSettings.Pool pool) {
    return fly.listByMetadata(Map.of(MachineMetadata.POOL, pool.key(), MachineMetadata.IDLE, "true")).stream()
        .filter(WarmPool::waiting).toList();
  }

  /**
   * Takes an idle machine of {@code pool} for a batch and boots it with {@code config} (to which
   * the pool's key is added); empty when none is idle or every one was taken first.
   *
   * @param holder names the batch in the lease, e.g. its workflow id and attempt
   */
  public Optional<Machine> claim(PoolSettings.Pool pool, MachineConfig config, String holder) {
    List<Machine> candidates = new ArrayList<>(idle(pool));
    // Claimers that start together try the machines in different orders.
    Collections.shuffle(candidates);
    for (Machine candidate : candidates) {
      Optional<MachineLease> lease = fly.acquireLease(candidate.id(), LEASE_TTL, holder);
      if (lease.isEmpty()) {
        continue;
      }
      try {
        // Listed idle before the lease: another claim may have taken it and let go since.
        Machine now = fly.get(candidate.id());
        if (!waiting(now) || !"true".equals(now.metadata().get(MachineMetadata.IDLE))) {
          continue;
        }
        return Optional.of(fly.update(candidate.id(), pooled(pool, config), false, lease.get().nonce()));
      } finally {
        release(candidate.id(), lease.get());
      }
    }
    return Optional.empty();
  }

  /**
   * Returns a machine whose batch is done to the pool, stopped and idle; false when it cannot be
   * (taken by someone else, gone, refused), and the caller should destroy it.
   */
  public boolean giveBack(PoolSettings.Pool pool, String machineId, String holder) {
    Optional<MachineLease> lease = fly.acquireLease(machineId, LEASE_TTL, holder);
    if (lease.isEmpty()) {
      return false;
    }
    try {
      fly.update(machineId, idleConfig(pool), true, lease.get().nonce());
      return true;
    } catch (FlyApiException e) {
      if (e.isNotFound() || !e.isRetryable()) {
        log.warn("machine {} cannot go back to pool {}: {}", machineId, pool.key(), e.getMessage());
        return false;
      }
      throw e;
    } finally {
      release(machineId, lease.get());
    }
  }

  private void release(String machineId, MachineLease lease) {
    try {
      fly.releaseLease(machineId, lease.nonce());
    } catch (FlyApiException e) {
      // It lapses after LEASE_TTL anyway.
      log.warn("could not release the lease on machine {}: {}", machineId, e.getMessage());
    }
  }

  /** Stopped, or created and never launched: ready to take a batch. */
  private static boolean waiting(Machine machine) {
    return "stopped".equals(machine.state()) || "created".equals(machine.state());
  }

  private static MachineConfig pooled(PoolSettings.Pool pool, MachineConfig config) {
    Map<String, String> metadata = new LinkedHashMap<>(config.metadata());
    metadata.put(MachineMetadata.POOL, pool.key());
    return new MachineConfig(config.image(), config.init(), config.env(), config.files(), config.guest(),
        config.restart(), metadata, config.autoDestroy());
  }
}

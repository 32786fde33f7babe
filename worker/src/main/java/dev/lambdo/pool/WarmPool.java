package dev.lambdo.pool;

import dev.lambdo.config.PoolSettings;
import dev.lambdo.fly.CreateMachineRequest;
import dev.lambdo.fly.FlyApiException;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.Machine;
import dev.lambdo.fly.MachineConfig;
import dev.lambdo.workflow.MachineMetadata;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Machines of a warm pool change hands by version (docs/fly-machines-api.md §3, {@code
 * current_version}): a batch reads an idle machine, and updates it with its own config (which
 * boots it from the image, so nothing of the last batch is left) only if it is still at the
 * version read; the machine then belongs to the batch by its metadata. Giving it back is an
 * update to the pool's idle config from the batch's version, which wipes the batch's events too.
 * Destroys, which have no version guard, look and act under the machine's lease ({@link
 * MachineLeases}), which makes the updates wait.
 */
public final class WarmPool {
  private static final Logger log = LoggerFactory.getLogger(WarmPool.class);
  /** Fly's sustained List rate per app is 1/s, shared with every other worker and the keeper. */
  static final Duration LIST_EVERY = Duration.ofSeconds(2);

  private final FlyClient fly;
  private final MachineLeases leases;
  private final Clock clock;
  private final Map<String, View> views = new ConcurrentHashMap<>();

  public WarmPool(FlyClient fly) {
    this(fly, Clock.systemUTC());
  }

  public WarmPool(FlyClient fly, Clock clock) {
    this.fly = fly;
    this.leases = new MachineLeases(fly);
    this.clock = clock;
  }

  /**
   * What an idle machine of {@code pool} holds: the image and guest, no command, env or files,
   * and since when it is idle (the keeper destroys machines idle too long).
   */
  public MachineConfig idleConfig(PoolSettings.Pool pool) {
    return new MachineConfig(pool.image(), null, Map.of(), List.of(), pool.guest(), new MachineConfig.Restart("no"),
        Map.of(MachineMetadata.POOL, pool.key(), MachineMetadata.IDLE, "true",
            MachineMetadata.IDLE_SINCE, clock.instant().truncatedTo(ChronoUnit.SECONDS).toString()), false);
  }

  /** When the machine last went idle; the epoch when its metadata does not say (it is then overdue). */
  public static Instant idleSince(Machine machine) {
    try {
      return Instant.parse(machine.metadata().getOrDefault(MachineMetadata.IDLE_SINCE, ""));
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }

  /** A new idle machine, created and not launched: its image is ready for the first claim. */
  public Machine add(PoolSettings.Pool pool) {
    Machine machine = fly.create(new CreateMachineRequest(null, pool.region(), idleConfig(pool), true));
    View view = view(pool);
    view.members.incrementAndGet();
    view.idle.add(machine.id());
    return machine;
  }

  /** The machine (not gone) an earlier try claimed or made for this attempt, if any. */
  public Optional<Machine> claimedBy(String workflowId, int attempt) {
    return fly.listByMetadata(Map.of(MachineMetadata.WORKFLOW_ID, workflowId,
        MachineMetadata.ATTEMPT, Integer.toString(attempt))).stream().filter(m -> !m.isGone()).findFirst();
  }

  /** The pool's machines, idle or busy, as Fly lists them now; destroyed ones left out. */
  public List<Machine> members(PoolSettings.Pool pool) {
    return fly.listByMetadata(Map.of(MachineMetadata.POOL, pool.key())).stream().filter(m -> !m.isGone()).toList();
  }

  /** The pool's idle machines, as Fly lists them now. */
  public List<Machine> idle(PoolSettings.Pool pool) {
    return members(pool).stream().filter(WarmPool::isIdle).toList();
  }

  /** Waiting for a batch: idle by its metadata and stopped (or never launched). */
  public static boolean isIdle(Machine machine) {
    return waiting(machine) && "true".equals(machine.metadata().get(MachineMetadata.IDLE));
  }

  /**
   * Takes an idle machine of {@code pool} for a batch and boots it with {@code config} (to which
   * the pool's key is added); empty when none is idle or every one was taken first.
   *
   * <p>Fly counts List per app at the create rate (1/s): a list per claim would cap every pool
   * at one batch a second. Claims try the machines this worker knows to be idle (listed at most
   * every {@link #LIST_EVERY}, given back here since), check each with a Get, and update it only
   * from the idle version they read ({@code current_version}). That makes the claim exclusive in
   * one call where a lease takes three (acquire, update with its nonce, release), and Fly counts
   * each action per machine at 1/s: acquire and release, both lease calls, let a machine take a
   * batch only every 2 s.
   */
  public Optional<Machine> claim(PoolSettings.Pool pool, MachineConfig config) {
    View view = view(pool);
    Set<String> tried = new HashSet<>();
    boolean listed = false;
    while (true) {
      List<String> candidates = new ArrayList<>(view.idle);
      candidates.removeAll(tried);
      if (candidates.isEmpty()) {
        if (listed || !refresh(pool, view, false)) {
          return Optional.empty();
        }
        listed = true;
        continue;
      }
      // Claimers that start together try the machines in different orders.
      Collections.shuffle(candidates);
      for (String id : candidates) {
        tried.add(id);
        Optional<Machine> claimed = claim(pool, id, view, config);
        if (claimed.isPresent()) {
          return claimed;
        }
      }
    }
  }

  private Optional<Machine> claim(PoolSettings.Pool pool, String id, View view, MachineConfig config) {
    Machine now;
    try {
      // Known idle before: another claim may have taken it since.
      now = fly.get(id);
    } catch (FlyApiException e) {
      return skipped(id, view, e);
    }
    view.idle.remove(id);
    if (!isIdle(now)) {
      return Optional.empty();
    }
    try {
      // Only from the idle version just read: of claims racing for it, one update applies, the
      // others get 409, as does any while the keeper or a destroy holds its lease.
      return Optional.of(fly.update(id, pooled(pool, config), false, null, now.instanceId()));
    } catch (FlyApiException e) {
      if (e.isConflict()) {
        return Optional.empty();
      }
      return skipped(id, view, e);
    }
  }

  /** A machine a claim could not try: gone, or its calls are spent for now (it stays known idle). */
  private Optional<Machine> skipped(String id, View view, FlyApiException e) {
    if (e.isNotFound()) {
      view.idle.remove(id);
      view.members.decrementAndGet();
      return Optional.empty();
    }
    if (e.isRateLimited()) {
      view.idle.add(id);
      return Optional.empty();
    }
    throw e;
  }

  /**
   * Counts a machine about to be made for the pool, when it has room below {@code pool.max()}
   * (as this worker knows it: listed, and added here since); false when it has none.
   */
  public boolean reserve(PoolSettings.Pool pool) {
    View view = view(pool);
    if (view.listedAtNanos == 0) {
      refresh(pool, view, true);
    }
    int members;
    do {
      members = view.members.get();
      if (members >= pool.max()) {
        return false;
      }
    } while (!view.members.compareAndSet(members, members + 1));
    return true;
  }

  /** Lists the pool unless it was listed within {@link #LIST_EVERY}; true when it did. */
  private boolean refresh(PoolSettings.Pool pool, View view, boolean force) {
    synchronized (view) {
      if (!force && view.listedAtNanos != 0 && System.nanoTime() - view.listedAtNanos < LIST_EVERY.toNanos()) {
        return false;
      }
      List<Machine> members;
      try {
        members = members(pool);
      } catch (FlyApiException e) {
        if (e.isRateLimited()) {
          // The app's List budget is spent (other workers, the keeper): what is known will do.
          return false;
        }
        throw e;
      }
      view.idle.clear();
      members.stream().filter(WarmPool::isIdle).forEach(m -> view.idle.add(m.id()));
      view.members.set(members.size());
      view.listedAtNanos = System.nanoTime();
      return true;
    }
  }

  private View view(PoolSettings.Pool pool) {
    return views.computeIfAbsent(pool.key(), k -> new View());
  }

  /** What this worker knows of a pool between lists. */
  private static final class View {
    final Set<String> idle = ConcurrentHashMap.newKeySet();
    final AtomicInteger members = new AtomicInteger();
    volatile long listedAtNanos;
  }

  /**
   * Returns a stopped machine whose batch is done to the pool, idle; false when it cannot be (gone,
   * refused) and the caller should destroy it. The update is made only if the machine is still at
   * the version the batch's claim or create left ({@code current_version}), so it costs no lease
   * (Fly counts lease calls per machine, as updates): a machine that moved on was given back by an
   * earlier try whose answer was lost, and maybe claimed since: true, and left alone.
   *
   * @param version the machine's {@code instance_id} when the batch got it
   * @param workflowId the batch the machine belongs to now
   * @throws PoolBusyException when someone else holds its lease (the reaper checking it): try again shortly
   */
  public boolean giveBack(PoolSettings.Pool pool, String machineId, String version, String workflowId) {
    if (version == null) {
      // Nothing to guard the update with: it could wipe a batch that took the machine since.
      log.warn("machine {}: no version to give it back with; it is destroyed", machineId);
      return false;
    }
    try {
      fly.update(machineId, idleConfig(pool), true, null, version);
      view(pool).idle.add(machineId);
      return true;
    } catch (FlyApiException e) {
      if (e.isConflict()) {
        Machine now = fly.get(machineId);
        if (!now.isGone() && !isIdle(now) && workflowId.equals(now.metadata().get(MachineMetadata.WORKFLOW_ID))
            && java.util.Objects.equals(now.instanceId(), version)) {
          throw new PoolBusyException("machine " + machineId + " is leased by someone else");
        }
        log.info("machine {} is back in pool {} already", machineId, pool.key());
        return !now.isGone();
      }
      if (e.isNotFound() || !e.isRetryable()) {
        log.warn("machine {} cannot go back to pool {}: {}", machineId, pool.key(), e.getMessage());
        return false;
      }
      throw e;
    }
  }

  /** @see MachineLeases#destroyIf */
  public boolean destroyIf(String machineId, Predicate<Machine> still, String holder) {
    return leases.destroyIf(machineId, still, holder);
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

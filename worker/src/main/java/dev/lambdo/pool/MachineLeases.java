package dev.lambdo.pool;

import dev.lambdo.fly.FlyApiException;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.Machine;
import dev.lambdo.fly.MachineLease;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Destroys of pooled machines, which must not race a claim or a give-back, each under the machine's
 * Fly lease (docs/fly-machines-api.md §3): 409 while someone else holds it, a nonce on every call
 * made under it, lapsed after {@link #TTL} when its holder died.
 */
public final class MachineLeases {
  private static final Logger log = LoggerFactory.getLogger(MachineLeases.class);
  /** Long enough for a get and a destroy; short enough that a crashed holder frees the machine soon. */
  static final Duration TTL = Duration.ofSeconds(10);

  private final FlyClient fly;

  public MachineLeases(FlyClient fly) {
    this.fly = fly;
  }

  /**
   * Destroys a pooled machine if, under its lease, it still is what {@code still} expects: a claim
   * or a give-back cannot change it between the look and the destroy. False when it is not, is
   * leased by someone else, or is gone.
   */
  public boolean destroyIf(String machineId, Predicate<Machine> still, String holder) {
    return destroy(machineId, still, holder, false);
  }

  /**
   * Destroys a batch's pooled machine if it still is at the version the batch's run has: a
   * machine at another version was given back and may be another batch's by now.
   *
   * @return false when it had moved on or was gone
   * @throws PoolBusyException when someone else holds its lease (the reaper checking it): try again shortly
   */
  public boolean destroyOwn(String machineId, String version, String holder) {
    return destroy(machineId, m -> Objects.equals(version, m.instanceId()), holder, true);
  }

  /** @param mustWait whether a lease held by someone else is a reason to try again rather than to skip */
  private boolean destroy(String machineId, Predicate<Machine> still, String holder, boolean mustWait) {
    Optional<MachineLease> lease;
    try {
      lease = fly.acquireLease(machineId, TTL, holder);
    } catch (FlyApiException e) {
      if (e.isNotFound()) {
        // Gone already: destroyed by an earlier try whose answer was lost, or by someone else.
        return false;
      }
      throw e;
    }
    if (lease.isEmpty()) {
      if (mustWait) {
        throw new PoolBusyException("machine " + machineId + " is leased by someone else");
      }
      return false;
    }
    return destroyUnder(machineId, lease.get(), still);
  }

  private boolean destroyUnder(String machineId, MachineLease lease, Predicate<Machine> still) {
    boolean destroyed = false;
    try {
      Machine now = fly.get(machineId);
      if (now.isGone() || !still.test(now)) {
        return false;
      }
      destroyed = fly.destroy(machineId, lease.nonce());
      return destroyed;
    } finally {
      if (!destroyed) {
        release(machineId, lease);
      }
    }
  }

  /** Lets the lease go at once: held on, it keeps every claim off the machine for its whole TTL. */
  private void release(String machineId, MachineLease lease) {
    try {
      try {
        fly.releaseLease(machineId, lease.nonce());
      } catch (FlyApiException e) {
        if (!e.isRateLimited()) {
          throw e;
        }
        // Fly counts lease calls per machine; once more after the pause it asks for.
        Thread.sleep(e.retryAfter().orElse(Duration.ofSeconds(1)).toMillis());
        fly.releaseLease(machineId, lease.nonce());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (FlyApiException e) {
      // It lapses after TTL anyway.
      log.warn("could not release the lease on machine {}: {}", machineId, e.getMessage());
    }
  }
}

package dev.lambdo.pool;

import dev.lambdo.config.PoolSettings;
import dev.lambdo.fly.FlyApiException;
import dev.lambdo.fly.Machine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tops each pool up to its min idle, destroys idle machines past the pool's idle time (down to
 * the min) and any idle above its max, and publishes {@code lambdo.pool.machines} by pool and
 * state. Leases left by a crashed worker need nothing from here: they lapse after {@link
 * MachineLeases#TTL}.
 */
public final class PoolUpkeepImpl implements PoolUpkeep {
  /**
   * Creates per round, across pools: Fly's per-app create burst (docs/fly-machines-api.md §5).
   * Batches create in the same budget; a round every 30 s takes a tenth of the sustained rate.
   */
  static final int CREATES_PER_ROUND = 3;
  private static final Logger log = LoggerFactory.getLogger(PoolUpkeepImpl.class);

  private final WarmPool warm;
  private final Pools pools;
  private final Clock clock;
  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();

  public PoolUpkeepImpl(WarmPool warm, Pools pools, Clock clock, MeterRegistry registry) {
    this.warm = warm;
    this.pools = pools;
    this.clock = clock;
    this.registry = registry;
  }

  @Override
  public List<PoolReport> keepPools() {
    List<PoolReport> reports = new ArrayList<>();
    int creates = CREATES_PER_ROUND;
    for (PoolSettings.Pool pool : pools.all()) {
      PoolReport report = keep(pool, creates);
      creates -= report.added();
      reports.add(report);
      gauge(pool, "idle").set(report.idle());
      gauge(pool, "busy").set(report.busy());
      if (report.added() > 0 || !report.destroyed().isEmpty() || report.problem() != null) {
        log.info("pool {} ({}): {} idle, {} busy, {} added, destroyed {}{}", pool.key(), pool.image(), report.idle(),
            report.busy(), report.added(), report.destroyed(), report.problem() == null ? "" : "; " + report.problem());
      }
    }
    return reports;
  }

  private PoolReport keep(PoolSettings.Pool pool, int createsLeft) {
    List<String> destroyed = new ArrayList<>();
    int added = 0;
    int idle = 0;
    int busy = 0;
    try {
      List<Machine> members = warm.members(pool);
      List<Machine> waiting = members.stream().filter(WarmPool::isIdle)
          .sorted(Comparator.comparing(WarmPool::idleSince)).toList();
      busy = members.size() - waiting.size();
      idle = waiting.size();
      Instant stale = clock.instant().minus(pool.idleFor());
      for (Machine machine : waiting) {
        boolean aboveMax = idle + busy > pool.max();
        boolean idleTooLong = idle > pool.minIdle() && WarmPool.idleSince(machine).isBefore(stale);
        if (!aboveMax && !idleTooLong) {
          continue;
        }
        Instant since = WarmPool.idleSince(machine);
        // Under its lease, and only if no batch took it since the list.
        if (warm.destroyIf(machine.id(), m -> WarmPool.isIdle(m) && WarmPool.idleSince(m).equals(since), "keeper")) {
          destroyed.add(machine.id());
          idle--;
        }
      }
      while (idle < pool.minIdle() && idle + busy < pool.max() && added < createsLeft) {
        warm.add(pool);
        added++;
        idle++;
      }
      return new PoolReport(pool.key(), idle, busy, added, destroyed, null);
    } catch (FlyApiException e) {
      return new PoolReport(pool.key(), idle, busy, added, destroyed, e.getMessage());
    }
  }

  private AtomicInteger gauge(PoolSettings.Pool pool, String state) {
    return gauges.computeIfAbsent(pool.key() + "/" + state, k -> {
      AtomicInteger value = new AtomicInteger();
      Gauge.builder("lambdo.pool.machines", value, AtomicInteger::get)
          .description("Machines of a warm pool by state, as the last round of the pool keeper on this worker counted")
          .tag("pool", pool.key()).tag("image", pool.image()).tag("state", state)
          .register(registry);
      return value;
    });
  }
}

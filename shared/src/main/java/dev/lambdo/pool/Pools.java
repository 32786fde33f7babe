package dev.lambdo.pool;

import dev.lambdo.config.PoolSettings;
import dev.lambdo.event.MachineSpec;
import java.util.List;
import java.util.Optional;

/**
 * The warm pools the workers are configured with ({@code LAMBDO_POOLS}), and which one a batch's
 * shape belongs to.
 *
 * @param defaultRegion where a batch that names no region runs: the worker's Fly region
 */
public record Pools(List<PoolSettings.Pool> all, String defaultRegion) {
  public static final Pools NONE = new Pools(List.of(), null);

  public Pools {
    all = List.copyOf(all);
  }

  /**
   * The pool whose machines can run a batch of {@code spec}: same image and guest, in a region
   * the batch accepts (a batch that names none accepts the worker's own).
   */
  public Optional<PoolSettings.Pool> forSpec(MachineSpec spec) {
    List<String> regions = spec.regions().isEmpty()
        ? (defaultRegion == null ? List.of() : List.of(defaultRegion)) : spec.regions();
    return all.stream()
        .filter(p -> p.image().equals(spec.image()) && p.guest().equals(spec.guest()) && regions.contains(p.region()))
        .findFirst();
  }

  public Optional<PoolSettings.Pool> byKey(String key) {
    return all.stream().filter(p -> p.key().equals(key)).findFirst();
  }
}

package dev.lambdo.event;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Fly's named VM size presets (docs/fly-machines-api.md §6), the values of the {@code size} attribute. */
public final class Sizes {
  public static final String DEFAULT = "performance-2x";
  public static final Set<String> GPU_KINDS = Set.of("a100-pcie-40gb", "a100-sxm4-80gb", "l40s", "a10");

  private static final Map<String, Guest> PRESETS = presets();

  private Sizes() {}

  public static Optional<Guest> preset(String name) {
    return Optional.ofNullable(PRESETS.get(name));
  }

  public static Set<String> names() {
    return PRESETS.keySet();
  }

  private static Map<String, Guest> presets() {
    Map<String, Guest> p = new LinkedHashMap<>();
    int[] sharedCpus = {1, 2, 4, 6, 8};
    for (int cpus : sharedCpus) {
      p.put("shared-cpu-" + cpus + "x", Guest.cpu("shared", cpus, 256 * cpus));
    }
    int[] performanceCpus = {1, 2, 4, 6, 8, 10, 12, 14, 16};
    for (int cpus : performanceCpus) {
      p.put("performance-" + cpus + "x", Guest.cpu("performance", cpus, 2048 * cpus));
    }
    p.put("a100-40gb", new Guest("performance", 8, 32768, "a100-pcie-40gb", 1));
    p.put("a100-80gb", new Guest("performance", 8, 32768, "a100-sxm4-80gb", 1));
    p.put("l40s", new Guest("performance", 8, 32768, "l40s", 1));
    p.put("a10", new Guest("performance", 8, 32768, "a10", 1));
    return Collections.unmodifiableMap(p);
  }
}

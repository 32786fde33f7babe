package dev.lambdo.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.Sizes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code LAMBDO_POOLS} (worker): warm pools of stopped machines, one per machine shape (image,
 * size, region), as a JSON array:
 *
 * <pre>{@code
 * [{"image": "registry.fly.io/app:v3", "size": "shared-cpu-1x", "region": "iad",
 *   "min_idle": 2, "max": 10, "idle_seconds": 600}]
 * }</pre>
 *
 * {@code image}, {@code size} and {@code max} are required; {@code region} defaults to the
 * worker's Fly region, {@code min_idle} to 0, {@code idle_seconds} to {@link #DEFAULT_IDLE}.
 * Shapes without a pool create a machine per batch, as before.
 */
public final class PoolSettings {
  public static final String VARIABLE = "LAMBDO_POOLS";
  public static final Duration DEFAULT_IDLE = Duration.ofMinutes(10);
  static final int MAX_SIZE = 1000;
  private static final Set<String> FIELDS = Set.of("image", "size", "region", "min_idle", "max", "idle_seconds");
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One pool.
   *
   * @param key the shape's fingerprint, the {@code lambdo_pool} metadata of its machines: a pool
   *     whose shape changes is a new pool, and the old one's machines are no longer claimed
   * @param idleFor how long a machine may stay idle before it is destroyed, down to {@code minIdle}
   */
  public record Pool(String key, String image, String size, Guest guest, String region, int minIdle, int max,
      Duration idleFor) {}

  private PoolSettings() {}

  /**
   * @param json the variable's value; null or blank for no pools
   * @param defaultRegion the worker's Fly region
   * @throws ConfigException naming every problem
   */
  public static List<Pool> parse(String json, String defaultRegion) {
    if (json == null || json.isBlank()) {
      return List.of();
    }
    JsonNode array;
    try {
      array = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      array = null;
    }
    if (array == null || !array.isArray()) {
      throw new ConfigException(List.of(VARIABLE + " must be a JSON array of pools, e.g. "
          + "[{\"image\":\"registry.fly.io/app:v3\",\"size\":\"shared-cpu-1x\",\"max\":10}]"));
    }
    List<String> problems = new ArrayList<>();
    List<Pool> pools = new ArrayList<>();
    Map<String, Integer> shapes = new LinkedHashMap<>();
    for (int i = 0; i < array.size(); i++) {
      String at = VARIABLE + "[" + i + "]";
      Optional<Pool> pool = pool(array.get(i), at, defaultRegion, problems);
      if (pool.isPresent()) {
        Integer earlier = shapes.putIfAbsent(pool.get().key(), i);
        if (earlier != null) {
          problems.add(at + " has the shape of " + VARIABLE + "[" + earlier + "]: one pool per image, size and region");
        }
        pools.add(pool.get());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return List.copyOf(pools);
  }

  private static Optional<Pool> pool(JsonNode node, String at, String defaultRegion, List<String> problems) {
    if (!node.isObject()) {
      problems.add(at + " must be a JSON object");
      return Optional.empty();
    }
    int before = problems.size();
    node.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) {
        problems.add(at + " has an unknown field '" + f + "'; the fields are " + FIELDS);
      }
    });
    String image = node.path("image").isTextual() ? node.path("image").asText().strip() : "";
    if (image.isEmpty()) {
      problems.add(at + ".image is required, as a string");
    }
    String size = node.path("size").asText("");
    Optional<Guest> guest = Sizes.preset(size);
    if (guest.isEmpty()) {
      problems.add(at + ".size '" + size + "' is not a Fly size; one of " + Sizes.names());
    }
    String region = node.has("region") ? node.path("region").asText() : defaultRegion;
    if (region == null || region.isBlank()) {
      problems.add(at + ".region is required when the worker has no LAMBDO_FLY_REGION");
    } else if (region.contains(",")) {
      // A pool's machines live in one region: a list would leave the shape unknown.
      problems.add(at + ".region is one region code, had '" + region + "'");
    } else {
      MachineSpec.regionProblem(region).ifPresent(p -> problems.add(at + ".region " + p));
    }
    int max = integer(node, "max", -1, 1, MAX_SIZE, at, problems);
    int minIdle = integer(node, "min_idle", 0, 0, MAX_SIZE, at, problems);
    int idleSeconds = integer(node, "idle_seconds", (int) DEFAULT_IDLE.toSeconds(), 60, 86_400, at, problems);
    if (max >= 1 && minIdle > max) {
      problems.add(at + ".min_idle " + minIdle + " is above max " + max);
    }
    if (problems.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new Pool(key(image, guest.get(), region), image, size, guest.get(), region, minIdle, max,
        Duration.ofSeconds(idleSeconds)));
  }

  private static int integer(JsonNode node, String field, int fallback, int min, int max, String at,
      List<String> problems) {
    JsonNode value = node.get(field);
    if (value == null && fallback >= min) {
      return fallback;
    }
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber()
        || value.asInt() < min || value.asInt() > max) {
      problems.add(at + "." + field + " must be between " + min + " and " + max
          + (value == null ? " (required)" : ", was " + value));
      return -1;
    }
    return value.asInt();
  }

  /** The first 16 hex digits of SHA-256 over the shape: short enough for metadata, stable across workers. */
  static String key(String image, Guest guest, String region) {
    String shape = String.join("|", image, guest.cpuKind(), Integer.toString(guest.cpus()),
        Integer.toString(guest.memoryMb()), String.valueOf(guest.gpuKind()), Integer.toString(guest.gpus()),
        String.valueOf(region));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(shape.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}

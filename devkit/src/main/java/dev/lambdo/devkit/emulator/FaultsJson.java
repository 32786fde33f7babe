package dev.lambdo.devkit.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@link Faults} as the admin endpoint reads and writes them:
 *
 * <pre>{@code
 * {"latency_ms": 0, "answer_delay_ms": 0, "log_lag_ms": 0, "boot_delay_ms": 0, "start_delay_ms": 0,
 *  "no_capacity_in": ["iad"], "capacity_status": 503,
 *  "fail_next": {"count": 0, "status": 503, "retry_after_s": null},
 *  "lose_next": {"count": 0, "method": null},
 *  "never_start": false, "duplicate_names": "reject",
 *  "rate_limits": {"enabled": false, "action_per_second": 1.0, "action_burst": 3,
 *                  "get_per_second": 5.0, "get_burst": 10, "retry_after_header": true}}
 * }</pre>
 *
 * A change names only what it changes (in {@code fail_next} and {@code rate_limits} too); it is
 * checked whole, and applied only when every field is good, so a typo never half-applies.
 */
final class FaultsJson {
  private static final Set<String> FIELDS = Set.of("latency_ms", "answer_delay_ms", "log_lag_ms", "boot_delay_ms", "start_delay_ms", "no_capacity_in",
      "capacity_status", "fail_next", "lose_next", "never_start", "duplicate_names", "rate_limits");
  private static final Set<String> FAIL_NEXT_FIELDS = Set.of("count", "status", "retry_after_s");
  private static final Set<String> LOSE_NEXT_FIELDS = Set.of("count", "method");
  private static final Set<String> METHODS = Set.of("GET", "POST", "DELETE");
  private static final Set<String> RATE_LIMIT_FIELDS = Set.of("enabled", "action_per_second", "action_burst",
      "get_per_second", "get_burst", "retry_after_header");
  private static final long MAX_MILLIS = Duration.ofMinutes(10).toMillis();

  private FaultsJson() {}

  static ObjectNode toJson(Faults faults) {
    ObjectNode json = JsonHttp.JSON.createObjectNode()
        .put("latency_ms", faults.latency.get().toMillis())
        .put("answer_delay_ms", faults.answerDelay.get().toMillis())
        .put("log_lag_ms", faults.logLag.get().toMillis())
        .put("boot_delay_ms", faults.bootDelay.get().toMillis())
        .put("start_delay_ms", faults.startDelay.get().toMillis());
    faults.fullRegions.stream().sorted().forEach(json.putArray("no_capacity_in")::add);
    json.put("capacity_status", faults.capacityStatus.get());
    Duration retryAfter = faults.retryAfter.get();
    ObjectNode failNext = json.putObject("fail_next").put("count", faults.failNext.get())
        .put("status", faults.failStatus.get());
    if (retryAfter == null) {
      failNext.putNull("retry_after_s");
    } else {
      failNext.put("retry_after_s", retryAfter.toSeconds());
    }
    ObjectNode loseNext = json.putObject("lose_next").put("count", faults.loseNext.get());
    loseNext.put("method", faults.loseMethod.get());
    json.put("never_start", faults.neverStart.get())
        .put("duplicate_names", faults.duplicateNames.get().name().toLowerCase(Locale.ROOT));
    RateLimits limits = faults.rateLimits.get();
    json.putObject("rate_limits").put("enabled", limits.enabled())
        .put("action_per_second", limits.actionPerSecond()).put("action_burst", limits.actionBurst())
        .put("get_per_second", limits.getPerSecond()).put("get_burst", limits.getBurst())
        .put("retry_after_header", limits.retryAfterHeader());
    return json;
  }

  /** Applies every field of {@code change}, or none; returns the problems found, empty when applied. */
  static List<String> apply(Faults faults, JsonNode change) {
    List<String> problems = new ArrayList<>();
    if (!change.isObject()) {
      return List.of("the body must be a JSON object");
    }
    List<Runnable> changes = new ArrayList<>();
    unknown(change, FIELDS, "", problems);
    millis(change, "latency_ms", problems, d -> changes.add(() -> faults.latency(d)));
    millis(change, "answer_delay_ms", problems, d -> changes.add(() -> faults.answerDelay(d)));
    millis(change, "log_lag_ms", problems, d -> changes.add(() -> faults.logLag(d)));
    millis(change, "boot_delay_ms", problems, d -> changes.add(() -> faults.bootDelay(d)));
    millis(change, "start_delay_ms", problems, d -> changes.add(() -> faults.startDelay(d)));
    if (change.has("no_capacity_in")) {
      JsonNode regions = change.get("no_capacity_in");
      List<String> list = new ArrayList<>();
      regions.forEach(r -> list.add(r.asText()));
      if (!regions.isArray() || list.stream().anyMatch(String::isBlank)) {
        problems.add("no_capacity_in must be an array of region codes, was " + regions);
      } else {
        changes.add(() -> faults.noCapacityIn(list.toArray(String[]::new)));
      }
    }
    if (change.has("capacity_status")) {
      int status = status(change.get("capacity_status"), "capacity_status", problems);
      changes.add(() -> faults.capacityStatus(status));
    }
    if (change.has("fail_next")) {
      failNext(faults, change.get("fail_next"), problems, changes);
    }
    if (change.has("lose_next")) {
      loseNext(faults, change.get("lose_next"), problems, changes);
    }
    bool(change, "never_start", problems, b -> changes.add(() -> faults.neverStart(b)));
    if (change.has("duplicate_names")) {
      String policy = change.get("duplicate_names").asText();
      try {
        Faults.DuplicateNames value = Faults.DuplicateNames.valueOf(policy.toUpperCase(Locale.ROOT));
        changes.add(() -> faults.duplicateNames(value));
      } catch (IllegalArgumentException e) {
        problems.add("duplicate_names must be allow or reject, was " + change.get("duplicate_names"));
      }
    }
    if (change.has("rate_limits")) {
      rateLimits(faults, change.get("rate_limits"), problems, changes);
    }
    if (problems.isEmpty()) {
      changes.forEach(Runnable::run);
    }
    return problems;
  }

  private static void failNext(Faults faults, JsonNode json, List<String> problems, List<Runnable> changes) {
    if (!json.isObject()) {
      problems.add("fail_next must be an object of count, status, retry_after_s; was " + json);
      return;
    }
    unknown(json, FAIL_NEXT_FIELDS, "fail_next.", problems);
    int count = json.has("count") ? wholeNumber(json.get("count"), "fail_next.count", problems) : faults.failNext.get();
    int status = json.has("status") ? status(json.get("status"), "fail_next.status", problems) : faults.failStatus.get();
    Duration retryAfter = faults.retryAfter.get();
    if (json.has("retry_after_s")) {
      retryAfter = json.get("retry_after_s").isNull()
          ? null : Duration.ofSeconds(wholeNumber(json.get("retry_after_s"), "fail_next.retry_after_s", problems));
    }
    Duration header = retryAfter;
    changes.add(() -> faults.failNext(count, status, header));
  }

  private static void loseNext(Faults faults, JsonNode json, List<String> problems, List<Runnable> changes) {
    if (!json.isObject()) {
      problems.add("lose_next must be an object of count, method; was " + json);
      return;
    }
    unknown(json, LOSE_NEXT_FIELDS, "lose_next.", problems);
    int count = json.has("count") ? wholeNumber(json.get("count"), "lose_next.count", problems) : faults.loseNext.get();
    String method = faults.loseMethod.get();
    if (json.has("method")) {
      JsonNode value = json.get("method");
      method = value.isNull() ? null : value.asText();
      if (method != null && !METHODS.contains(method)) {
        problems.add("lose_next.method must be GET, POST, DELETE or null (any), was " + value);
      }
    }
    String only = method;
    changes.add(() -> faults.loseNextAnswers(count, only));
  }

  private static void rateLimits(Faults faults, JsonNode json, List<String> problems, List<Runnable> changes) {
    if (!json.isObject()) {
      problems.add("rate_limits must be an object, was " + json);
      return;
    }
    int before = problems.size();
    unknown(json, RATE_LIMIT_FIELDS, "rate_limits.", problems);
    RateLimits now = faults.rateLimits.get();
    boolean[] flags = {now.enabled(), now.retryAfterHeader()};
    bool(json, "enabled", problems, b -> flags[0] = b);
    bool(json, "retry_after_header", problems, b -> flags[1] = b);
    double actionPerSecond = number(json, "action_per_second", now.actionPerSecond(), problems);
    double getPerSecond = number(json, "get_per_second", now.getPerSecond(), problems);
    int actionBurst = json.has("action_burst")
        ? wholeNumber(json.get("action_burst"), "rate_limits.action_burst", problems) : now.actionBurst();
    int getBurst = json.has("get_burst")
        ? wholeNumber(json.get("get_burst"), "rate_limits.get_burst", problems) : now.getBurst();
    if (problems.size() > before) {
      return;
    }
    try {
      RateLimits limits = new RateLimits(flags[0], actionPerSecond, actionBurst, getPerSecond, getBurst, flags[1]);
      changes.add(() -> faults.rateLimits(limits));
    } catch (IllegalArgumentException e) {
      // RateLimits names its components in Java ("actionBurst must be…"); name them as this JSON does.
      String message = e.getMessage();
      String component = message.substring(0, message.indexOf(' '));
      problems.add("rate_limits." + snakeCase(component) + message.substring(component.length()));
    }
  }

  private static double number(JsonNode json, String name, double fallback, List<String> problems) {
    if (!json.has(name)) {
      return fallback;
    }
    if (!json.get(name).isNumber()) {
      problems.add("rate_limits." + name + " must be a number, was " + json.get(name));
      return fallback;
    }
    return json.get(name).asDouble();
  }

  private static String snakeCase(String camel) {
    return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  private static void unknown(JsonNode json, Set<String> known, String prefix, List<String> problems) {
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        problems.add("unknown setting " + prefix + name + " (known: " + known.stream().sorted().toList() + ")");
      }
    }
  }

  private static void millis(JsonNode json, String name, List<String> problems, Consumer<Duration> use) {
    if (!json.has(name)) {
      return;
    }
    JsonNode value = json.get(name);
    if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0 || value.asLong() > MAX_MILLIS) {
      problems.add(name + " must be a whole number of milliseconds from 0 to " + MAX_MILLIS + ", was " + value);
      return;
    }
    use.accept(Duration.ofMillis(value.asLong()));
  }

  private static void bool(JsonNode json, String name, List<String> problems, Consumer<Boolean> use) {
    if (!json.has(name)) {
      return;
    }
    if (!json.get(name).isBoolean()) {
      problems.add(name + " must be true or false, was " + json.get(name));
      return;
    }
    use.accept(json.get(name).asBoolean());
  }

  private static int wholeNumber(JsonNode value, String name, List<String> problems) {
    if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 0) {
      problems.add(name + " must be a whole number >= 0, was " + value);
      return 0;
    }
    return value.asInt();
  }

  private static int status(JsonNode value, String name, List<String> problems) {
    if (!value.isIntegralNumber() || value.asInt() < 400 || value.asInt() > 599) {
      problems.add(name + " must be an HTTP error status from 400 to 599, was " + value);
      return 500;
    }
    return value.asInt();
  }
}

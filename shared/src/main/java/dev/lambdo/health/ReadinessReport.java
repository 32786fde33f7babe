package dev.lambdo.health;

import java.util.Map;

/** Every dependency's state as of one look, in the order the app names them. */
public record ReadinessReport(Map<String, CheckResult> results) {
  public ReadinessReport {
    results = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(results));
  }

  public boolean ready() {
    return results.values().stream().allMatch(CheckResult::ok);
  }

  /** {@code /ready}'s body: the verdict, then one line per dependency, for a person or a log. */
  public String text() {
    StringBuilder text = new StringBuilder(ready() ? "ready\n" : "not ready\n");
    results.forEach((name, result) -> text.append(name).append(": ")
        .append(result.ok() ? "ok, " : "FAILED, ").append(result.detail()).append('\n'));
    return text.toString();
  }
}

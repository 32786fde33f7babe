package dev.lambdo.health;

import java.util.Objects;

/**
 * What a readiness check found about one dependency.
 *
 * @param detail a short reason in the operator's terms, e.g. {@code token refused (401)}; never a
 *     secret
 */
public record CheckResult(boolean ok, String detail) {
  public CheckResult {
    Objects.requireNonNull(detail, "detail");
  }

  public static CheckResult ok(String detail) {
    return new CheckResult(true, detail);
  }

  public static CheckResult failed(String detail) {
    return new CheckResult(false, detail);
  }
}

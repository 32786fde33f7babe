package dev.lambdo.health;

import dev.lambdo.config.FlySettings;
import dev.lambdo.fly.FlyApiException;
import dev.lambdo.fly.FlyClient;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The worker's Fly: asks Get App of {@code LAMBDO_FLY_APP} with the worker's token. Not ready when
 * Fly does not answer, refuses the token (401, 403) or the app is not there for it (404).
 */
public final class FlyCheck implements DependencyCheck {
  private final FlyClient fly;
  private final String app;

  private FlyCheck(FlyClient fly, String app) {
    this.fly = fly;
    this.app = app;
  }

  /** A client of its own, whose calls end within {@link Readiness#TIMEOUT}. */
  public static FlyCheck of(FlySettings settings, MeterRegistry metrics) {
    var http = FlyClient.defaultHttpClient().newBuilder()
        .connectTimeout(Readiness.TIMEOUT).callTimeout(Readiness.TIMEOUT).build();
    return new FlyCheck(new FlyClient(http, settings, metrics), settings.app());
  }

  @Override
  public CheckResult check() {
    try {
      fly.app();
      return CheckResult.ok("app " + app);
    } catch (FlyApiException e) {
      return switch (e.status()) {
        case 0 -> CheckResult.failed("unreachable: " + e.error());
        case 401, 403 -> CheckResult.failed("token refused (" + e.status() + "): " + e.error());
        case 404 -> CheckResult.failed("app " + app + " not found, or the token may not see it (404)");
        // Fly pacing the app answered, and only after reading the token: no cause to stop traffic.
        case 429 -> CheckResult.ok("app " + app + " (Fly answered 429: " + e.error() + ")");
        default -> CheckResult.failed("Fly answered " + e.status() + ": " + e.error());
      };
    }
  }
}

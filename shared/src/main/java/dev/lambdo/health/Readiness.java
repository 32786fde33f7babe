package dev.lambdo.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * Whether the app can do its job now: every dependency it names answers and accepts its
 * credentials. The checks run at once, each given up on after {@link #TIMEOUT}, and their results
 * are kept for {@link #CACHE}: Fly's checks, Docker's and every scrape of the {@code
 * lambdo_dependency_up} gauges together cost each dependency at most one call per few seconds.
 */
public final class Readiness {
  /** Below the 5 s Fly and Docker give the whole {@code /ready} request. */
  public static final Duration TIMEOUT = Duration.ofSeconds(3);
  public static final Duration CACHE = Duration.ofSeconds(5);

  private final Map<String, DependencyCheck> checks;
  private final Duration timeout;
  private final Duration cache;
  private final LongSupplier nanoTime;
  /** Never closed: a check that hangs past its timeout only holds a virtual thread. */
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private ReadinessReport last;
  private long lastAt;

  /** @param checks by dependency name, in the order the report lists them */
  public Readiness(Map<String, DependencyCheck> checks) {
    this(checks, TIMEOUT, CACHE, System::nanoTime);
  }

  Readiness(Map<String, DependencyCheck> checks, Duration timeout, Duration cache, LongSupplier nanoTime) {
    this.checks = new LinkedHashMap<>(checks);
    this.timeout = timeout;
    this.cache = cache;
    this.nanoTime = nanoTime;
  }

  /** The last look when it is recent, else a new one; callers meanwhile wait for it. */
  public synchronized ReadinessReport report() {
    long now = nanoTime.getAsLong();
    if (last != null && now - lastAt < cache.toNanos()) {
      return last;
    }
    Map<String, Future<CheckResult>> running = new LinkedHashMap<>();
    checks.forEach((name, check) -> running.put(name, executor.submit(check::check)));
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, CheckResult> results = new LinkedHashMap<>();
    running.forEach((name, future) -> results.put(name, await(future, deadline)));
    last = new ReadinessReport(results);
    lastAt = now;
    return last;
  }

  private CheckResult await(Future<CheckResult> future, long deadline) {
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return CheckResult.failed("no answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      return CheckResult.failed(cause.getClass().getSimpleName() + ": " + cause.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CheckResult.failed("interrupted");
    }
  }

  /**
   * {@code lambdo_dependency_up{dependency}}: 1 while the dependency answers, 0 when it does not;
   * a scrape looks again when the last look is older than {@link #CACHE}.
   */
  public void bindTo(MeterRegistry registry) {
    checks.keySet().forEach(name -> Gauge.builder("lambdo.dependency.up", this, r -> r.report().results().get(name).ok() ? 1 : 0)
        .description("1 while the dependency answers and accepts this app's credentials, as /ready sees it")
        .tag("dependency", name)
        .register(registry));
  }
}

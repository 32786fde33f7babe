package dev.lambdo.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReadinessTest {
  private final AtomicLong now = new AtomicLong();

  private Readiness readiness(Map<String, DependencyCheck> checks) {
    return new Readiness(checks, Duration.ofMillis(200), Duration.ofSeconds(5), now::get);
  }

  @Test
  void readyWhenEveryDependencyAnswers() {
    Readiness readiness = readiness(Map.of("temporal", () -> CheckResult.ok("namespace default"),
        "sqs", () -> CheckResult.ok("queue lambdo")));
    ReadinessReport report = readiness.report();
    assertTrue(report.ready());
    assertTrue(report.text().contains("temporal: ok, namespace default"), report.text());
  }

  @Test
  void notReadyWhenOneFailsAndTheReportSaysWhich() {
    Map<String, DependencyCheck> checks = new LinkedHashMap<>();
    checks.put("temporal", () -> CheckResult.ok("namespace default"));
    checks.put("fly", () -> CheckResult.failed("token refused (401)"));
    ReadinessReport report = readiness(checks).report();
    assertFalse(report.ready());
    assertEquals("not ready\ntemporal: ok, namespace default\nfly: FAILED, token refused (401)\n", report.text());
  }

  @Test
  void aCheckThatDoesNotAnswerInTimeFailsWithoutHoldingTheOthers() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Map<String, DependencyCheck> checks = new LinkedHashMap<>();
    checks.put("sqs", () -> {
      try {
        never.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return CheckResult.ok("late");
    });
    checks.put("temporal", () -> CheckResult.ok("namespace default"));
    long started = System.nanoTime();
    ReadinessReport report = readiness(checks).report();
    assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 2000);
    assertEquals(CheckResult.failed("no answer within 200 ms"), report.results().get("sqs"));
    assertTrue(report.results().get("temporal").ok());
    never.countDown();
  }

  @Test
  void aCheckThatThrowsFailsWithItsKindOfError() {
    ReadinessReport report = readiness(Map.of("fly", () -> {
      throw new IllegalStateException("boom");
    })).report();
    assertEquals(CheckResult.failed("IllegalStateException: boom"), report.results().get("fly"));
  }

  @Test
  void answersFromTheLastLookForAFewSecondsSoProbesCostTheDependenciesLittle() {
    AtomicInteger calls = new AtomicInteger();
    Readiness readiness = readiness(Map.of("temporal", () -> CheckResult.ok("call " + calls.incrementAndGet())));
    readiness.report();
    now.addAndGet(Duration.ofSeconds(4).toNanos());
    assertEquals("call 1", readiness.report().results().get("temporal").detail());
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    assertEquals("call 2", readiness.report().results().get("temporal").detail());
  }

  @Test
  void eachDependencysStateIsAGauge() {
    Map<String, DependencyCheck> checks = new LinkedHashMap<>();
    checks.put("temporal", () -> CheckResult.ok("fine"));
    checks.put("fly", () -> CheckResult.failed("unreachable"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    readiness(checks).bindTo(registry);
    assertEquals(1.0, registry.get("lambdo.dependency.up").tag("dependency", "temporal").gauge().value());
    assertEquals(0.0, registry.get("lambdo.dependency.up").tag("dependency", "fly").gauge().value());
  }
}

package dev.lambdo.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class AppMetricsTest {
  @Test
  void scrapesJvmAndProcessMetersInPrometheusText() {
    try (AppMetrics metrics = new AppMetrics()) {
      String text = metrics.scrape();
      assertTrue(text.contains("jvm_memory_used_bytes{"), text);
      assertTrue(text.contains("jvm_threads_live_threads "), text);
      assertTrue(text.contains("process_cpu_usage "), text);
      assertTrue(text.contains("process_uptime_seconds "), text);
    }
  }

  @Test
  void theTemporalSdksMetersReachTheScrapeThroughItsReporter() {
    try (AppMetrics metrics = new AppMetrics(Duration.ofMillis(50))) {
      metrics.temporalScope().tagged(java.util.Map.of("workflow_type", "BatchWorkflow"))
          .counter("temporal_workflow_completed").inc(2);
      Awaitility.await("the reporter's next report").atMost(Duration.ofSeconds(5)).until(
          () -> metrics.scrape().contains("temporal_workflow_completed_total{workflow_type=\"BatchWorkflow\"} 2.0"));
    }
  }

  /**
   * The SDK asks for a percentile histogram on every timer, tagged by operation, activity and
   * workflow type: Micrometer's default buckets would make hundreds of series per timer.
   */
  @Test
  void timersWithoutBucketsOfTheirOwnGetAFewFixedOnes() {
    try (AppMetrics metrics = new AppMetrics()) {
      Timer.builder("temporal_request_latency").publishPercentileHistogram(true).register(metrics.registry())
          .record(Duration.ofMillis(30));
      long buckets = metrics.scrape().lines().filter(l -> l.startsWith("temporal_request_latency_seconds_bucket")).count();
      assertEquals(TimerBuckets.BOUNDS.size() + 1, buckets, "the bounds and +Inf");
    }
  }
}

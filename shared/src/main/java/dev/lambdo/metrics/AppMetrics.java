package dev.lambdo.metrics;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.ScopeCloseException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import java.time.Duration;

/**
 * What an app's {@code /metrics} serves: Lambdo's own meters, the JVM's and the process's, and the
 * Temporal SDK's, which it reports through Tally; {@link #temporalScope()} is what the Temporal
 * client is given so they reach the same registry.
 */
public final class AppMetrics implements AutoCloseable {
  /**
   * How often the SDK's meters are handed to the registry. Below any sensible scrape interval
   * (Fly scrapes every 15 s), so a scrape is at most this stale.
   */
  static final Duration TEMPORAL_REPORT_EVERY = Duration.ofSeconds(5);

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private final Scope temporal;

  public AppMetrics() {
    this(TEMPORAL_REPORT_EVERY);
  }

  AppMetrics(Duration temporalReportEvery) {
    registry.config().meterFilter(new TimerBuckets());
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    temporal = new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .reportEvery(com.uber.m3.util.Duration.ofMillis(temporalReportEvery.toMillis()));
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** For {@code WorkflowServiceStubsOptions.setMetricsScope}: the SDK's meters, and workflow code's. */
  public Scope temporalScope() {
    return temporal;
  }

  /** The Prometheus text exposition format, version 0.0.4. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    try {
      // Reports what the scope holds one last time, then closes its reporter and with it the registry.
      temporal.close();
    } catch (ScopeCloseException e) {
      // The last report is lost with the process anyway; the registry must still let go.
      registry.close();
    }
  }
}

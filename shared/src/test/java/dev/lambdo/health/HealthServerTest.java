package dev.lambdo.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.metrics.AppMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthServerTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(HealthServer server, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void livenessIgnoresTheDependenciesReadinessAsksThem() throws Exception {
    AtomicBoolean temporalUp = new AtomicBoolean(false);
    Readiness readiness = new Readiness(Map.of("temporal",
        () -> temporalUp.get() ? CheckResult.ok("namespace default") : CheckResult.failed("unreachable")));
    try (AppMetrics metrics = new AppMetrics();
        HealthServer server = new HealthServer(0, () -> true, readiness, metrics)) {
      assertEquals(200, get(server, "/health").statusCode(), "a down Temporal must not get the process restarted");
      assertEquals(200, get(server, "/live").statusCode());
      HttpResponse<String> ready = get(server, "/ready");
      assertEquals(503, ready.statusCode());
      assertEquals("not ready\ntemporal: FAILED, unreachable\n", ready.body());
    }
  }

  @Test
  void notLiveOnceTheProcessStoppedDoingItsJob() throws Exception {
    try (HealthServer server = new HealthServer(0, () -> false)) {
      assertEquals(503, get(server, "/health").statusCode());
      assertEquals(503, get(server, "/live").statusCode());
    }
  }

  @Test
  void servesTheMetricsAsPrometheusText() throws Exception {
    try (AppMetrics metrics = new AppMetrics();
        HealthServer server = new HealthServer(0, () -> true, new Readiness(Map.of()), metrics)) {
      metrics.registry().counter("lambdo.test.hits").increment(3);
      HttpResponse<String> scrape = get(server, "/metrics");
      assertEquals(200, scrape.statusCode());
      assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
      assertTrue(scrape.body().contains("lambdo_test_hits_total 3.0"), scrape.body());
      assertEquals(200, get(server, "/ready").statusCode(), "nothing to wait for");
    }
  }
}

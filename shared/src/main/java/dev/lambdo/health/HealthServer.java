package dev.lambdo.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lambdo.metrics.AppMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The app's own port, for Fly's and Docker's checks and for Prometheus:
 *
 * <ul>
 *   <li>{@code GET /health} (and {@code /live}): liveness, 200 while the process does its job,
 *       whatever its dependencies do, so a down Temporal never gets it restarted in a loop;
 *   <li>{@code GET /ready}: readiness, 200 only while every dependency answers and accepts the
 *       app's credentials ({@link Readiness}), with one line per dependency saying why not;
 *   <li>{@code GET /metrics}: every meter, in Prometheus's text format.
 * </ul>
 */
public final class HealthServer implements AutoCloseable {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;

  /** Liveness alone: for processes with no dependencies and no meters (the Fly emulator). */
  public HealthServer(int port, BooleanSupplier live) throws IOException {
    this(port, live, new Readiness(Map.of()), null);
  }

  /** @param metrics served on {@code /metrics}; null serves none */
  public HealthServer(int port, BooleanSupplier live, Readiness readiness, AppMetrics metrics) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    // A /ready that waits on a slow dependency must not hold up /health or a scrape.
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    for (String path : new String[] {"/health", "/live"}) {
      server.createContext(path, exchange -> {
        boolean ok = live.getAsBoolean();
        reply(exchange, ok ? 200 : 503, ok ? "ok\n" : "not live\n", "text/plain; charset=utf-8");
      });
    }
    server.createContext("/ready", exchange -> {
      ReadinessReport report = readiness.report();
      reply(exchange, report.ready() ? 200 : 503, report.text(), "text/plain; charset=utf-8");
    });
    if (metrics != null) {
      server.createContext("/metrics", exchange -> reply(exchange, 200, metrics.scrape(), PROMETHEUS_TEXT));
    }
    server.start();
  }

  private static void reply(HttpExchange exchange, int status, String text, String contentType) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

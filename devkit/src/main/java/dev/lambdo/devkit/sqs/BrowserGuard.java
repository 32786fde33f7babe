package dev.lambdo.devkit.sqs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lambdo.devkit.emulator.BrowserRequests;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * The embedded SQS's public port: passes the SQS protocol on to ElasticMQ, and refuses what a web
 * page could send it. ElasticMQ answers a form POST from any page with 200 and enqueues it, and the
 * Fly emulator then runs the message's command on this machine. Refused with 403: requests with
 * browser headers ({@link BrowserRequests}), a Host other than a loopback name (DNS rebinding), and
 * anything but POST (an image tag's GET carries no Origin in older browsers; the SDKs and the CLI
 * only POST).
 */
final class BrowserGuard implements AutoCloseable {
  private static final Set<String> LOOPBACK_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");
  /** Set by the HTTP client itself; it refuses to take them from the caller. */
  private static final Set<String> HOP_HEADERS = Set.of(
      "connection", "content-length", "expect", "host", "upgrade", "transfer-encoding", "keep-alive");

  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();
  private final URI target;

  /** @param target ElasticMQ's own address, on loopback */
  BrowserGuard(int port, URI target) throws IOException {
    this.target = target;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Why the request is refused, if it is. */
  static Optional<String> refusal(HttpExchange exchange) {
    Optional<String> browser = BrowserRequests.why(exchange.getRequestHeaders());
    if (browser.isPresent()) {
      return browser;
    }
    String host = Optional.ofNullable(exchange.getRequestHeaders().getFirst("Host")).orElse("")
        .replaceFirst(":\\d+$", "").toLowerCase();
    if (!LOOPBACK_HOSTS.contains(host)) {
      return Optional.of("only loopback names reach the dev SQS (Host: " + host + ")");
    }
    if (!exchange.getRequestMethod().equals("POST")) {
      return Optional.of("the SQS API is POST only, got " + exchange.getRequestMethod());
    }
    return Optional.empty();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Optional<String> refused = refusal(exchange);
      if (refused.isPresent()) {
        byte[] body = ("dev SQS: " + refused.get() + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(403, body.length);
        exchange.getResponseBody().write(body);
        return;
      }
      HttpResponse<byte[]> response;
      try {
        response = client.send(forward(exchange), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
        if (!HOP_HEADERS.contains(header.getKey().toLowerCase()) && !header.getKey().startsWith(":")) {
          exchange.getResponseHeaders().put(header.getKey(), header.getValue());
        }
      }
      byte[] body = response.body();
      exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
      exchange.getResponseBody().write(body);
    }
  }

  private HttpRequest forward(HttpExchange exchange) throws IOException {
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readAllBytes();
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI().getRawPath()
            + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery())))
        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_HEADERS.contains(name.toLowerCase())) {
        values.forEach(value -> request.header(name, value));
      }
    });
    return request.build();
  }

  @Override
  public void close() {
    server.stop(0);
    client.close();
  }
}

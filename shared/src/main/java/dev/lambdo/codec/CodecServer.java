package dev.lambdo.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lambdo.config.Secret;
import io.temporal.api.common.v1.Payloads;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Temporal's remote codec protocol: {@code POST /decode} and {@code POST /encode} take and answer
 * {@code {"payloads":[…]}}, so the Web UI and {@code temporal --codec-endpoint} can show encrypted
 * payloads to people allowed to see them. Every call needs {@code Authorization: Bearer <token>}
 * or the session cookie a browser gets by signing in with the token at {@code /login} (the Web UI
 * can send cookies but not our token); browsers may call from the origins given (CORS), and only
 * those.
 */
public final class CodecServer implements AutoCloseable {
  private static final String ALLOWED_HEADERS = "Content-Type, Authorization, X-Namespace";

  private final HttpServer server;
  private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
  private final PayloadCodec codec;
  private final CodecAccess access;
  private final Set<String> origins;

  public CodecServer(InetSocketAddress address, PayloadCodec codec, Secret token, Set<String> origins)
      throws IOException {
    this.codec = codec;
    this.access = new CodecAccess(token, Clock.systemUTC());
    this.origins = Set.copyOf(origins);
    SignInHandler signIn = new SignInHandler(access);
    server = HttpServer.create(address, 0);
    // Without an executor every call runs on the one dispatcher thread: one slow client stalls all.
    server.setExecutor(handlers);
    server.createContext("/decode", ex -> handle(ex, true));
    server.createContext("/encode", ex -> handle(ex, false));
    server.createContext("/login", signIn::login);
    server.createContext("/logout", signIn::logout);
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex, boolean decode) throws IOException {
    try (ex) {
      if (!exactPath(ex, decode ? "/decode" : "/encode")) {
        return;
      }
      String origin = ex.getRequestHeaders().getFirst("Origin");
      if (origin != null) {
        if (!origins.contains(origin)) {
          send(ex, 403, "origin not allowed: " + origin);
          return;
        }
        ex.getResponseHeaders().add("Access-Control-Allow-Origin", origin);
        ex.getResponseHeaders().add("Access-Control-Allow-Credentials", "true");
        ex.getResponseHeaders().add("Vary", "Origin");
      }
      if (ex.getRequestMethod().equals("OPTIONS")) {
        ex.getResponseHeaders().add("Access-Control-Allow-Methods", "POST, OPTIONS");
        ex.getResponseHeaders().add("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        ex.sendResponseHeaders(204, -1);
        return;
      }
      if (!ex.getRequestMethod().equals("POST")) {
        send(ex, 405, "POST only");
        return;
      }
      if (!access.allows(ex)) {
        send(ex, 401, "sign in at /login, or send Authorization: Bearer <LAMBDO_CODEC_SERVER_TOKEN>");
        return;
      }
      Payloads.Builder payloads = Payloads.newBuilder();
      try {
        JsonFormat.parser().ignoringUnknownFields()
            .merge(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), payloads);
      } catch (InvalidProtocolBufferException e) {
        send(ex, 400, "body is not {\"payloads\":[…]}");
        return;
      }
      Payloads answer;
      try {
        answer = Payloads.newBuilder().addAllPayloads(decode
            ? codec.decode(payloads.getPayloadsList()) : codec.encode(payloads.getPayloadsList())).build();
      } catch (PayloadCodecException e) {
        send(ex, 422, e.getMessage());
        return;
      }
      ex.getResponseHeaders().add("Content-Type", "application/json");
      send(ex, 200, JsonFormat.printer().print(answer));
    }
  }

  /**
   * The server matches a context by prefix ({@code /loginx} would reach {@code /login}): anything
   * but the path itself is answered 404 here, and true means go on.
   */
  static boolean exactPath(HttpExchange ex, String path) throws IOException {
    if (ex.getRequestURI().getPath().equals(path)) {
      return true;
    }
    send(ex, 404, "not found; did you mean " + path + "?");
    return false;
  }

  static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}

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
import java.security.MessageDigest;
import java.util.Set;

/**
 * Temporal's remote codec protocol: {@code POST /decode} and {@code POST /encode} take and answer
 * {@code {"payloads":[…]}}, so the Web UI and {@code temporal --codec-endpoint} can show encrypted
 * payloads to people allowed to see them. Every call needs {@code Authorization: Bearer <token>};
 * browsers may call from the origins given (CORS), and only those.
 */
public final class CodecServer implements AutoCloseable {
  private static final String ALLOWED_HEADERS = "Content-Type, Authorization, X-Namespace";

  private final HttpServer server;
  private final PayloadCodec codec;
  private final byte[] token;
  private final Set<String> origins;

  public CodecServer(InetSocketAddress address, PayloadCodec codec, Secret token, Set<String> origins)
      throws IOException {
    this.codec = codec;
    this.token = ("Bearer " + token.reveal()).getBytes(StandardCharsets.UTF_8);
    this.origins = Set.copyOf(origins);
    server = HttpServer.create(address, 0);
    server.createContext("/decode", ex -> handle(ex, true));
    server.createContext("/encode", ex -> handle(ex, false));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex, boolean decode) throws IOException {
    try (ex) {
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
      String authorization = ex.getRequestHeaders().getFirst("Authorization");
      if (authorization == null
          || !MessageDigest.isEqual(token, authorization.getBytes(StandardCharsets.UTF_8))) {
        send(ex, 401, "a bearer token is required");
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

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

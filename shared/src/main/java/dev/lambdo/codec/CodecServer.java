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
import java.net.URLDecoder;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import java.util.Set;

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
  static final String COOKIE = "lambdo-codec";


  private final HttpServer server;
  private final PayloadCodec codec;
  private final byte[] token;
  private final byte[] bearer;
  private final CodecSession sessions;
  private final Set<String> origins;
  private final Clock clock;

  public CodecServer(InetSocketAddress address, PayloadCodec codec, Secret token, Set<String> origins)
      throws IOException {
    this.codec = codec;
    this.token = token.reveal().getBytes(StandardCharsets.UTF_8);
    this.bearer = ("Bearer " + token.reveal()).getBytes(StandardCharsets.UTF_8);
    this.sessions = new CodecSession(token);
    this.origins = Set.copyOf(origins);
    this.clock = Clock.systemUTC();
    server = HttpServer.create(address, 0);
    server.createContext("/decode", ex -> handle(ex, true));
    server.createContext("/encode", ex -> handle(ex, false));
    server.createContext("/login", this::signIn);
    server.createContext("/logout", this::signOut);
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
      if (!authorized(ex)) {
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

  private boolean authorized(HttpExchange ex) {
    String authorization = ex.getRequestHeaders().getFirst("Authorization");
    if (authorization != null) {
      return MessageDigest.isEqual(bearer, authorization.getBytes(StandardCharsets.UTF_8));
    }
    return sessions.valid(cookie(ex), clock.instant());
  }

  private void signIn(HttpExchange ex) throws IOException {
    try (ex) {
      ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
      ex.getResponseHeaders().add("Cache-Control", "no-store");
      switch (ex.getRequestMethod()) {
        case "GET" -> {
          String session = cookie(ex);
          send(ex, 200, sessions.valid(session, clock.instant())
              ? SignInPage.signedIn(sessions.expiry(session)) : SignInPage.signIn(false));
        }
        case "POST" -> {
          String given = formField(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), "token");
          if (!MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8))) {
            send(ex, 401, SignInPage.signIn(true));
            return;
          }
          ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + sessions.issue(clock.instant())
              + "; Path=/; Max-Age=" + CodecSession.LIFETIME.toSeconds() + "; HttpOnly; Secure; SameSite=Strict");
          redirectToSignIn(ex);
        }
        default -> send(ex, 405, "GET or POST only");
      }
    }
  }

  private void signOut(HttpExchange ex) throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("POST")) {
        send(ex, 405, "POST only");
        return;
      }
      ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
      redirectToSignIn(ex);
    }
  }

  /** Relative, so the page still works when a proxy serves this server under a path. */
  private static void redirectToSignIn(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().add("Location", "login");
    ex.sendResponseHeaders(303, -1);
  }

  private static String cookie(HttpExchange ex) {
    for (String header : ex.getRequestHeaders().getOrDefault("Cookie", List.of())) {
      for (String pair : header.split(";")) {
        String trimmed = pair.trim();
        if (trimmed.startsWith(COOKIE + "=")) {
          return trimmed.substring(COOKIE.length() + 1);
        }
      }
    }
    return null;
  }

  private static String formField(String form, String name) {
    for (String pair : form.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return "";
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

package dev.lambdo.devkit.emulator;

import static dev.lambdo.devkit.emulator.JsonHttp.body;
import static dev.lambdo.devkit.emulator.JsonHttp.error;
import static dev.lambdo.devkit.emulator.JsonHttp.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lambdo.devkit.emulator.spawn.Spawner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for Fly's Machines API ({@code /v1/apps/{app}/machines…}, and Get App) and logs API ({@code
 * /api/v1/apps/{app}/logs}) on one port, following {@code docs/fly-machines-api.md}.
 * Machines run as local processes. Tests and the dev command read its counters; {@link Faults}
 * switch its misbehaviour, from Java or over HTTP on the same port ({@link AdminApi}).
 */
public final class FlyEmulator implements AutoCloseable {
  private static final ObjectMapper JSON = JsonHttp.JSON;
  /** Header that proves a change comes from the lease's holder. */
  static final String LEASE_NONCE = "fly-machine-lease-nonce";
  /** What a lease guards (docs/fly-machines-api.md §3: update, start, stop, destroy; no cordon or suspend here). */
  private static final Set<String> LEASED_CHANGES = Set.of("POST ", "POST start", "POST stop", "DELETE ");
  /** Calls that would bring a machine back: a destroyed one is not found for them. */
  private static final Set<String> REVIVING = Set.of("POST ", "POST start", "POST lease");
  private static final Set<String> WAIT_STATES = Set.of("started", "stopped", "suspended", "destroyed", "failed", "settled");

  private final HttpServer server;
  private final Path root;
  private final String token;
  private final Faults faults = new Faults();
  private final LogStore logs = new LogStore(() -> faults.logLag.get().toNanos());
  private final Map<String, EmulatedMachine> machines = new ConcurrentHashMap<>();
  private final Map<String, List<String>> imageCommands = new ConcurrentHashMap<>();
  /** App and name → the live machine that holds the name, so a duplicate is found without a scan. */
  private final Map<String, String> liveNames = new ConcurrentHashMap<>();
  private final AtomicInteger created = new AtomicInteger();
  private final AtomicInteger alive = new AtomicInteger();
  private final AtomicInteger peakAlive = new AtomicInteger();
  private final AtomicInteger started = new AtomicInteger();
  private final EmulatedMachine.Lifecycle lifecycle = new EmulatedMachine.Lifecycle() {
    @Override
    public void started(EmulatedMachine machine) {
      started.incrementAndGet();
    }

    @Override
    public void destroyed(EmulatedMachine machine) {
      alive.decrementAndGet();
      liveNames.remove(nameKey(machine.app, machine.name), machine.id);
    }
  };
  private final MemoryWatch memory = new MemoryWatch();
  private final Spawner spawner;
  private final EmulatedMachine.Host host;
  private final AtomicLong http429 = new AtomicLong();
  private final AdminApi admin = new AdminApi(faults, () -> new AdminApi.Stats(
      created.get(), alive.get(), peakAlive.get(), http429.get(), started.get()));
  /** Set while a request whose answer {@link Faults#loseNextAnswers} loses is carried out. */
  private final ThreadLocal<Boolean> answerLost = ThreadLocal.withInitial(() -> false);
  private final RateLimiter rateLimiter = new RateLimiter(faults.rateLimits::get, System::nanoTime);

  /**
   * @param token the token clients must send; null accepts any
   * @param root where machines' files live, one directory per machine
   */
  public FlyEmulator(int port, String token, Path root) throws IOException {
    this(InetAddress.getLoopbackAddress(), port, token, root);
  }

  /** @param host where to listen: loopback locally, all interfaces inside a container */
  public FlyEmulator(InetAddress host, int port, String token, Path root) throws IOException {
    this.root = root.toAbsolutePath();
    this.token = token;
    spawner = new Spawner();
    this.host = new EmulatedMachine.Host(logs, imageCommands, memory, lifecycle, spawner,
        Files.createDirectories(this.root.resolve(".output")));
    server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The settings that point a worker at this emulator, for machines in {@code app}. */
  public Map<String, String> workerSettings(String app) {
    return Map.of("LAMBDO_FLY_TOKEN", token == null ? "any" : token, "LAMBDO_FLY_APP", app,
        "LAMBDO_FLY_API_URL", url(), "LAMBDO_FLY_LOGS_URL", url());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public Faults faults() {
    return faults;
  }

  /** The command a machine of {@code image} runs when the request sets none (the image's CMD). */
  public void mapImage(String image, List<String> command) {
    imageCommands.put(image, List.copyOf(command));
  }

  /** Every 429 the emulator answered, rate-limited or injected by {@link Faults#failNext}. */
  public long http429() {
    return http429.get();
  }

  public int machinesCreated() {
    return created.get();
  }

  /** Machines created and not yet destroyed, stopped ones included. */
  public int machinesAlive() {
    return alive.get();
  }

  /** Machines whose process started (their {@code start} event), however they ended. */
  public int machinesStarted() {
    return started.get();
  }

  /** The most machines that existed (not yet destroyed) at once. */
  public int peakMachinesAlive() {
    return peakAlive.get();
  }

  /** The directory a machine's guest files were written to; removed with the machine. */
  public Path rootfs(String machineId) {
    return root.resolve(machineId).resolve("rootfs");
  }

  /** A file of the machine's {@code config.files}, as it was created with it; still there once destroyed. */
  public Optional<String> guestFile(String machineId, String guestPath) {
    for (JsonNode file : config(machineId).path("files")) {
      if (file.path("guest_path").asText().equals(guestPath)) {
        return Optional.of(new String(Base64.getDecoder().decode(file.path("raw_value").asText()), StandardCharsets.UTF_8));
      }
    }
    return Optional.empty();
  }

  public Collection<String> machineIds() {
    return List.copyOf(machines.keySet());
  }

  public String state(String machineId) {
    return machines.get(machineId).state();
  }

  /** When the machine's process started (its {@code start} event), in unix milliseconds. */
  public Optional<Long> startedAtMillis(String machineId) {
    for (JsonNode event : machines.get(machineId).eventsJson(50)) {
      if (event.path("type").asText().equals("start") && event.path("status").asText().equals("started")) {
        return Optional.of(event.path("timestamp").asLong());
      }
    }
    return Optional.empty();
  }

  /** The exit code of the machine's newest exit event, once its process has exited. */
  public Optional<Integer> exitCode(String machineId) {
    for (JsonNode event : machines.get(machineId).eventsJson(50)) {
      if (event.path("type").asText().equals("exit")) {
        return Optional.of(event.path("request").path("exit_event").path("exit_code").asInt());
      }
    }
    return Optional.empty();
  }

  /** The config a machine was created with, as the client sent it. */
  public JsonNode config(String machineId) {
    return machines.get(machineId).config();
  }

  @Override
  public void close() {
    server.stop(0);
    // Destroying, not only killing: a machine still booting must not start its process later.
    machines.values().forEach(m -> m.destroy("flyd"));
    memory.close();
    spawner.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      Optional<String> browser = BrowserRequests.why(exchange.getRequestHeaders());
      if (browser.isPresent()) {
        reply(exchange, 403, error("emulator: " + browser.get(), null));
        return;
      }
      if (path.startsWith(AdminApi.PREFIX)) {
        if (token != null && !authorized(auth)) {
          reply(exchange, 401, error("Authenticate: token validation error", null));
        } else {
          admin.handle(exchange);
        }
        return;
      }
      sleep(faults.latency.get());
      if (!authorized(auth)) {
        reply(exchange, 401, error("Authenticate: token validation error", null));
        return;
      }
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      String[] parts = path.replaceAll("^/+|/+$", "").split("/");
      if (parts.length == 5 && path.startsWith("/api/v1/apps/") && parts[4].equals("logs")) {
        reply(exchange, 200, logsPage(query));
        return;
      }
      if (parts.length == 3 && parts[0].equals("v1") && parts[1].equals("apps") && exchange.getRequestMethod().equals("GET")) {
        // Get App, which readiness probes ask: neither faults nor rate limits, which tests aim at machine calls.
        reply(exchange, 200, JSON.createObjectNode().put("id", "emulated-" + parts[2]).put("name", parts[2])
            .put("status", "deployed"));
        return;
      }
      if (parts.length < 4 || !parts[0].equals("v1") || !parts[1].equals("apps") || !parts[3].equals("machines")) {
        reply(exchange, 404, error("not found: " + path, null));
        return;
      }
      if (faults.failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        Duration after = faults.retryAfter.get();
        if (after != null) {
          exchange.getResponseHeaders().add("Retry-After", Long.toString(after.toSeconds()));
        }
        int status = faults.failStatus.get();
        reply(exchange, status, error(status == 429 ? "rate limited" : "emulated failure " + status, null));
        return;
      }
      if (!rateLimiter.allow(parts.length == 5 && exchange.getRequestMethod().equals("GET")
          ? RateLimiter.Kind.GET : RateLimiter.Kind.ACTION, bucket(exchange.getRequestMethod(), parts))) {
        if (faults.rateLimits.get().retryAfterHeader()) {
          // UNCONFIRMED at Fly: docs/fly-machines-api.md found no source for the 429's body or this header.
          exchange.getResponseHeaders().add("Retry-After", "1");
        }
        reply(exchange, 429, error("rate limited", null));
        return;
      }
      if (faults.losesAnswerTo(exchange.getRequestMethod())) {
        answerLost.set(true);
      }
      route(exchange, parts[2], parts, query);
    } catch (RuntimeException e) {
      reply(exchange, 500, error("emulator error: " + e.getMessage(), null));
    } finally {
      answerLost.remove();
    }
  }

  /**
   * The action a request counts against and whose: create and list per app, everything on a
   * machine per machine and action (docs/fly-machines-api.md §5).
   */
  private static String bucket(String method, String[] parts) {
    if (parts.length == 4) {
      return (method.equals("POST") ? "create" : method.equals("GET") ? "list" : method) + ":" + parts[2];
    }
    String action = parts.length > 5 ? parts[5] : switch (method) {
      case "GET" -> "get";
      case "POST" -> "update";
      case "DELETE" -> "destroy";
      default -> method;
    };
    return action + ":" + parts[2] + "/" + parts[4];
  }

  private static String nameKey(String app, String name) {
    return app + "/" + name;
  }

  private void route(HttpExchange ex, String app, String[] parts, Map<String, String> query) throws IOException {
    String method = ex.getRequestMethod();
    if (parts.length == 4) {
      switch (method) {
        case "POST" -> create(ex, app);
        case "GET" -> reply(ex, 200, list(query));
        default -> reply(ex, 405, error("method not allowed", null));
      }
      return;
    }
    EmulatedMachine machine = machines.get(parts[4]);
    if (machine == null) {
      reply(ex, 404, error("machine not found", null));
      return;
    }
    String action = parts.length > 5 ? parts[5] : "";
    String route = method + " " + action;
    if (REVIVING.contains(route) && machine.state().equals("destroyed")) {
      // As an update of a destroyed machine is answered (docs/fly-machines-api.md §3).
      reply(ex, 404, error("machine not found", null));
      return;
    }
    MachineLease refusing = LEASED_CHANGES.contains(route) ? machine.refusing(ex.getRequestHeaders().getFirst(LEASE_NONCE)) : null;
    if (refusing != null) {
      reply(ex, 409, MachineLease.error("machine ID " + machine.id + " lease currently held by " + refusing.owner()
          + ", expires at " + java.time.Instant.ofEpochSecond(refusing.expiresAt())));
      return;
    }
    switch (route) {
      case "GET " -> reply(ex, 200, machine.toJson(true));
      case "DELETE " -> destroy(ex, machine, query);
      case "GET wait" -> waitFor(ex, machine, query);
      case "GET events" -> reply(ex, 200, machine.eventsJson(Math.min(50, intParam(query, "limit", 20))));
      case "POST " -> update(ex, machine);
      case "POST start" -> start(ex, machine);
      case "POST lease" -> lease(ex, machine, query);
      case "GET lease" -> {
        MachineLease held = machine.currentLease();
        if (held == null) {
          reply(ex, 404, error("no active lease for machine " + machine.id, null));
        } else {
          reply(ex, 200, held.toJson());
        }
      }
      case "DELETE lease" -> {
        if (machine.release(ex.getRequestHeaders().getFirst(LEASE_NONCE))) {
          ObjectNode ok = JSON.createObjectNode().put("status", "success");
          ok.putObject("data").put("ok", true);
          reply(ex, 200, ok);
        } else {
          reply(ex, 409, MachineLease.error("lease nonce does not match the lease held on machine " + machine.id));
        }
      }
      case "POST stop" -> {
        JsonNode body = body(ex);
        machine.stop(body.path("signal").asText("SIGINT"), goDuration(body.path("timeout").asText("5s")));
        reply(ex, 200, JSON.createObjectNode().put("ok", true));
      }
      case "POST signal" -> {
        JsonNode signal = body(ex).path("signal");
        machine.signal(signal.isNumber() ? Integer.toString(signal.asInt()) : signal.asText());
        reply(ex, 200, JSON.createObjectNode().put("ok", true));
      }
      default -> reply(ex, 404, error("not found: " + method + " " + action, null));
    }
  }

  /** Update: the whole config replaced (docs/fly-machines-api.md §3); boots again unless {@code skip_launch}. */
  private void update(HttpExchange ex, EmulatedMachine machine) throws IOException {
    JsonNode body = body(ex);
    JsonNode config = body.path("config");
    Optional<String> refused = configProblem(config);
    if (refused.isPresent()) {
      reply(ex, 422, error(refused.get(), null));
      return;
    }
    String name = body.path("name").asText(machine.name);
    String region = body.path("region").asText(machine.region);
    if (!name.equals(machine.name) || !region.equals(machine.region)) {
      // UNCONFIRMED at Fly: the status; the docs say only that name and region cannot change.
      reply(ex, 400, error("invalid_argument: an update cannot change a machine's name or region", null));
      return;
    }
    Optional<EmulatedMachine.Boot> boot;
    try {
      boot = machine.update((ObjectNode) config, body.path("skip_launch").asBoolean(false),
          body.path("current_version").asText(null));
    } catch (java.util.NoSuchElementException gone) {
      reply(ex, 404, error("machine not found", null));
      return;
    } catch (EmulatedMachine.VersionMismatch stale) {
      reply(ex, 409, error(stale.getMessage(), null));
      return;
    } catch (IllegalStateException stuck) {
      reply(ex, 503, error("emulator: " + stuck.getMessage(), null));
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply(ex, 503, error("emulator shutting down", null));
      return;
    }
    // A new image is pulled first, as on create; the same one is on the host already.
    boot.ifPresent(b -> boot(machine, b.imageChanged() ? faults.bootDelay.get() : faults.startDelay.get(), b.generation()));
    reply(ex, 200, machine.toJson(true));
  }

  /** Start of a stopped machine: its image is on the host already, so {@link Faults#startDelay}. */
  private void start(HttpExchange ex, EmulatedMachine machine) throws IOException {
    EmulatedMachine.Boot boot;
    try {
      boot = machine.start();
    } catch (IllegalStateException notStopped) {
      reply(ex, 412, error(notStopped.getMessage(), null));
      return;
    }
    boot(machine, faults.startDelay.get(), boot.generation());
    reply(ex, 200, JSON.createObjectNode().put("previous_state", boot.previousState()).put("migrated", false)
        .put("new_host", ""));
  }

  /** Acquire, or refresh with the holder's nonce: {@code ttl} in the body (the docs) or the query (fly-go). */
  private void lease(HttpExchange ex, EmulatedMachine machine, Map<String, String> query) throws IOException {
    JsonNode body = body(ex);
    long ttl = body.has("ttl") ? body.path("ttl").asLong(0) : intParam(query, "ttl", 0);
    if (ttl < 1) {
      // UNCONFIRMED at Fly: its default TTL; asking for one keeps clients explicit.
      reply(ex, 400, error("invalid_argument: ttl must be a positive number of seconds", null));
      return;
    }
    try {
      MachineLease lease = machine.lease(ex.getRequestHeaders().getFirst(LEASE_NONCE), ttl,
          body.path("description").asText(""));
      reply(ex, 201, lease.toJson());
    } catch (IllegalStateException held) {
      reply(ex, 409, MachineLease.error(held.getMessage()));
    }
  }

  /** Why create or update cannot take {@code config}: Fly requires an image; some fields the emulator cannot run. */
  private static Optional<String> configProblem(JsonNode config) {
    if (!config.isObject() || config.path("image").asText("").isBlank()) {
      return Optional.of("config.image is required");
    }
    return StartCommand.unsupported(config).map(problem -> "emulator: " + problem);
  }

  /** Launches the machine after {@code delay}, unless a later start, update, stop or destroy came first. */
  private void boot(EmulatedMachine machine, Duration delay, long generation) {
    if (faults.neverStart.get()) {
      return;
    }
    Thread.ofVirtual().start(() -> {
      sleep(delay);
      machine.launch(generation);
    });
  }

  private void create(HttpExchange ex, String app) throws IOException {
    JsonNode body = body(ex);
    JsonNode config = body.path("config");
    Optional<String> refused = configProblem(config);
    if (refused.isPresent()) {
      reply(ex, 422, error(refused.get(), null));
      return;
    }
    String region = body.path("region").asText("lhr");
    if (faults.fullRegions.contains(region)) {
      reply(ex, faults.capacityStatus.get(), error(
          "could not reserve resource for machine: insufficient memory available to fulfill request", "insufficient_capacity"));
      return;
    }
    String id = Ids.machineId();
    String name = body.path("name").asText(null);
    if (name != null) {
      // Claimed atomically, so two creates racing with one name cannot both get it.
      String holder = faults.duplicateNames.get() == Faults.DuplicateNames.REJECT
          ? liveNames.putIfAbsent(nameKey(app, name), id) : liveNames.put(nameKey(app, name), id);
      if (holder != null && faults.duplicateNames.get() == Faults.DuplicateNames.REJECT) {
        reply(ex, 422, error("Validation failed: Name has already been taken", "name_taken"));
        return;
      }
    }
    EmulatedMachine machine = new EmulatedMachine(app, id, name == null ? "machine-" + id : name, region,
        (ObjectNode) config, root.resolve(id), host);
    machines.put(id, machine);
    created.incrementAndGet();
    peakAlive.accumulateAndGet(alive.incrementAndGet(), Math::max);
    ObjectNode answer = machine.toJson(true);
    if (!body.path("skip_launch").asBoolean(false)) {
      boot(machine, faults.bootDelay.get(), machine.generation());
    }
    reply(ex, 200, answer);
  }

  private ArrayNode list(Map<String, String> query) {
    boolean includeDeleted = Boolean.parseBoolean(query.getOrDefault("include_deleted", "false"));
    ArrayNode list = JSON.createArrayNode();
    for (EmulatedMachine m : machines.values()) {
      if (!includeDeleted && m.state().equals("destroyed")) {
        continue;
      }
      boolean matches = query.entrySet().stream().filter(e -> e.getKey().startsWith("metadata."))
          .allMatch(e -> e.getValue().equals(m.config().path("metadata").path(e.getKey().substring(9)).asText(null)));
      if (matches) {
        list.add(m.toJson(false));
      }
    }
    return list;
  }

  private void waitFor(HttpExchange ex, EmulatedMachine machine, Map<String, String> query) throws IOException {
    int timeout = intParam(query, "timeout", 60);
    if (timeout < 1 || timeout > 60) {
      reply(ex, 400, error("invalid_argument: timeout must be between 1 and 60 seconds", null));
      return;
    }
    Set<String> states = Set.of(query.getOrDefault("state", "started").split(","));
    if (!WAIT_STATES.containsAll(states)) {
      reply(ex, 400, error("invalid_argument: unknown state " + states, null));
      return;
    }
    // "version" names the version to wait for; "instance_id" is its deprecated alias (26-char ULIDs).
    String version = query.getOrDefault("version", query.get("instance_id"));
    if (version != null && version.length() != 26) {
      reply(ex, 400, error("invalid_argument: version must be a 26-character version id", null));
      return;
    }
    try {
      if (machine.await(states, Duration.ofSeconds(timeout), version)) {
        reply(ex, 200, JSON.createObjectNode().put("ok", true).put("state", machine.state())
            .put("version", machine.instanceId()).put("event_id", Ids.ulid()));
      } else if (machine.state().equals("destroyed") && !states.contains("destroyed")) {
        reply(ex, 400, error("machine failed to reach desired state, current state: destroyed", null));
      } else {
        reply(ex, 408, error("deadline_exceeded: machine did not reach " + states + " in time", null));
      }
    } catch (EmulatedMachine.VersionMismatch replaced) {
      // UNCONFIRMED at Fly: the answer for a version an update replaced; "replaced" is its state name.
      reply(ex, 400, error("machine failed to reach desired state, current state: replaced ("
          + replaced.getMessage() + ")", null));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply(ex, 503, error("emulator shutting down", null));
    }
  }

  /** Forced or not: docs/fly-machines-api.md accepts {@code force} (docs) and {@code kill} (fly-go). */
  private void destroy(HttpExchange ex, EmulatedMachine machine, Map<String, String> query) throws IOException {
    boolean force = Boolean.parseBoolean(query.getOrDefault("force", query.getOrDefault("kill", "false")));
    String state = machine.state();
    if (state.equals("destroyed")) {
      reply(ex, 404, error("machine not found", null));
      return;
    }
    if (!force && !state.equals("stopped") && !state.equals("created") && !state.equals("failed")) {
      // UNCONFIRMED at Fly: the status of a non-forced destroy of a running machine.
      reply(ex, 412, error("unable to destroy machine, not currently stopped (state " + state + ")", null));
      return;
    }
    if (machine.destroy("user")) {
      reply(ex, 200, JSON.createObjectNode().put("ok", true));
    } else {
      reply(ex, 404, error("machine not found", null));
    }
  }

  private ObjectNode logsPage(Map<String, String> query) {
    String token = query.get("next_token");
    Long after = token == null || token.isBlank() ? null : Long.parseLong(token);
    String instance = query.get("instance");
    // Running machines' output is read into the store when someone asks for it.
    if (instance != null) {
      Optional.ofNullable(machines.get(instance)).ifPresent(EmulatedMachine::collectOutput);
    } else {
      machines.values().forEach(EmulatedMachine::collectOutput);
    }
    List<LogStore.Entry> page = logs.page(instance, after);
    ObjectNode doc = JSON.createObjectNode();
    ArrayNode data = doc.putArray("data");
    for (LogStore.Entry e : page) {
      ObjectNode item = data.addObject().put("id", Long.toString(e.nanos())).put("type", "logs");
      item.putObject("attributes")
          .put("timestamp", Instant.ofEpochSecond(0, e.nanos()).toString())
          .put("message", e.message()).put("level", "info").put("instance", e.machineId())
          .put("region", e.region());
    }
    String next = page.isEmpty() ? (token == null ? "" : token) : Long.toString(page.getLast().nanos());
    doc.putObject("meta").put("next_token", next);
    return doc;
  }

  private boolean authorized(String header) {
    if (header == null || !(header.startsWith("Bearer ") || header.startsWith("FlyV1 "))) {
      return false;
    }
    return token == null || header.substring(header.indexOf(' ') + 1).equals(token);
  }

  private void reply(HttpExchange ex, int status, JsonNode body) throws IOException {
    if (answerLost.get()) {
      // Closed before any header is sent: the server drops the connection, the client reads no answer.
      ex.close();
      return;
    }
    if (status == 429) {
      http429.incrementAndGet();
    }
    sleep(faults.answerDelay.get());
    JsonHttp.send(ex, status, body);
  }

  private static int intParam(Map<String, String> query, String name, int fallback) {
    try {
      return query.containsKey(name) ? Integer.parseInt(query.get(name)) : fallback;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Go durations ("10s", "500ms") or integer nanoseconds, as fly-go reads them. */
  static Duration goDuration(String text) {
    if (text.matches("\\d+")) {
      return Duration.ofNanos(Long.parseLong(text));
    }
    if (text.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    }
    if (text.endsWith("s")) {
      return Duration.ofMillis((long) (Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
    }
    if (text.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
    }
    throw new IllegalArgumentException("not a duration: " + text);
  }

  private static void sleep(Duration d) {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

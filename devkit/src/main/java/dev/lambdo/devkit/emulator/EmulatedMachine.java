package dev.lambdo.devkit.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdo.devkit.emulator.spawn.Spawned;
import dev.lambdo.devkit.emulator.spawn.Spawner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * One machine, run as a local process: {@code config.files} are written under the machine's own
 * directory, which is its working directory, HOME and TMPDIR and is removed when the machine is
 * destroyed; guest paths in the env and command point there; its env is only what {@link
 * MachineEnv} gives it, never the emulator's; stdout and stderr are its logs;
 * its exit becomes an {@code exit} event. States follow docs/fly-machines-api.md §3: created → started → stopped
 * → destroyed; with {@code config.auto_destroy} an exit leads straight on to destroyed.
 */
final class EmulatedMachine {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** Where a run's exit is recorded: reading its output's end and destroying may block briefly. */
  private static final Executor EXITS = Executors.newVirtualThreadPerTaskExecutor();

  /** What the emulator counts: told once when the process starts and once when the machine is destroyed. */
  interface Lifecycle {
    void started(EmulatedMachine machine);

    void destroyed(EmulatedMachine machine);
  }

  /** What every machine shares with the emulator that runs it. */
  record Host(LogStore logs, Map<String, List<String>> imageCommands, MemoryWatch memory, Lifecycle lifecycle,
      Spawner spawner, Path outputs) {}

  final String id;
  final String name;
  final String region;
  /** Replaced by every update, with the config. */
  private String instanceId = Ids.ulid();
  /** Updates between accepting the version and putting their config in place (unguarded ones may overlap). */
  private int updating;
  private ObjectNode config;
  private MachineLease lease;
  final Instant createdAt = Instant.now();
  final String app;
  private final Path root;
  private final Host host;
  private final LogStore logs;
  private final LinkedList<ObjectNode> events = new LinkedList<>();
  private String state = "created";
  private Instant updatedAt = createdAt;
  private Spawned process;
  /** The running (or last) process's output. */
  private OutputFile output;
  /** Done once the process's exit is recorded; an update waits for it. */
  private CompletableFuture<Void> runEnded = CompletableFuture.completedFuture(null);
  /** Runs so far: each writes its output to a file of its own. */
  private int runs;
  /**
   * Counts the calls that decide whether the machine boots (start, update, stop, destroy): a boot
   * scheduled before the newest of them is cancelled.
   */
  private long generation;
  /** Set while an update replaces the running process: its exit is no crash and no auto-destroy. */
  private boolean replacing;
  /** One boot at a time writes the root filesystem. */
  private final Object launching = new Object();

  /** A boot to schedule: {@link #launch(long)} with this generation after the delay. */
  record Boot(long generation, String previousState, boolean imageChanged) {}
  private boolean stopRequested;
  private boolean oomKilled;

  EmulatedMachine(String app, String id, String name, String region, ObjectNode config, Path root, Host host) {
    this.app = app;
    this.id = id;
    this.name = name;
    this.region = region;
    this.config = config;
    this.root = root;
    this.host = host;
    this.logs = host.logs();
    event("launch", "created", "user", null);
  }

  synchronized String state() {
    return state;
  }

  synchronized ObjectNode config() {
    return config;
  }

  synchronized String instanceId() {
    return instanceId;
  }

  synchronized boolean isAlive() {
    return !state.equals("stopped") && !state.equals("destroyed") && !state.equals("failed");
  }

  /**
   * Starts the process, unless the machine was stopped or destroyed while it booted; a machine
   * that cannot start logs why and exits 127, as a missing binary does.
   */
  void launch(long boot) {
    synchronized (launching) {
      launchExclusively(boot);
    }
  }

  /** The generation a boot scheduled now must carry. */
  synchronized long generation() {
    return generation;
  }

  private void launchExclusively(long boot) {
    ObjectNode config;
    String instanceId;
    synchronized (this) {
      if (boot != generation || !isLaunchable()) {
        return;
      }
      config = this.config;
      instanceId = this.instanceId;
    }
    List<String> command;
    Map<String, String> env;
    Path rootfs;
    try {
      // Every boot starts from the image: what an earlier run wrote is gone.
      removeTree(root.resolve("rootfs"));
      rootfs = Files.createDirectories(root.resolve("rootfs"));
      StartCommand start = StartCommand.of(config, host.imageCommands(), writeFiles(rootfs));
      command = start.argv();
      Files.createDirectories(rootfs.resolve("tmp"));
      Map<String, String> fly = Map.of("FLY_APP_NAME", app, "FLY_MACHINE_ID", id, "FLY_ALLOC_ID", id,
          "FLY_REGION", region, "FLY_IMAGE_REF", config.path("image").asText(), "FLY_MACHINE_VERSION", instanceId,
          "FLY_VM_MEMORY_MB", config.path("guest").path("memory_mb").asText("256"));
      env = MachineEnv.of(System.getenv(), rootfs, fly, start.env());
    } catch (IOException | IllegalArgumentException e) {
      failToStart("emulator: cannot start machine: " + e.getMessage());
      return;
    }
    Spawned started;
    OutputFile out;
    CompletableFuture<Void> ended = new CompletableFuture<>();
    synchronized (this) {
      if (boot != generation || !isLaunchable()) {
        if (state.equals("destroyed")) {
          // Destroyed while its files were written: they go as the machine went.
          removeFiles();
        }
        return;
      }
      stopRequested = false;
      oomKilled = false;
      replacing = false;
      // No stdin, as on Fly; stdout and stderr go to one file, read into the logs.
      out = new OutputFile(host.outputs().resolve(id + "-" + ++runs + ".log"), line -> logs.append(id, region, line));
      try {
        started = host.spawner().spawn(command, env, rootfs, out.path());
      } catch (IOException e) {
        failToStart("emulator: cannot run " + command + ": " + e.getMessage());
        return;
      }
      process = started;
      output = out;
      runEnded = ended;
      transition("started", "start");
    }
    host.lifecycle().started(this);
    long limitKb = config.path("guest").path("memory_mb").asLong(256) * 1024;
    long pid = started.pid();
    host.memory().watch(pid, limitKb, rssKb -> oomKill(pid, rssKb, limitKb));
    // Only now: the watch above is undone when the exit is recorded, never before it is set.
    started.exit().whenCompleteAsync((code, lost) -> endRun(started, out, code, lost, ended), EXITS);
  }

  /** Created and never launched, or asked to start: a stop or destroy meanwhile cancels it. */
  private boolean isLaunchable() {
    return state.equals("created") || state.equals("starting");
  }

  /**
   * {@code POST /start}: a stopped machine (or one created with {@code skip_launch}) boots again.
   *
   * @return the state it was in
   * @throws IllegalStateException when it is running or on its way
   */
  synchronized Boot start() {
    String previous = state;
    if (!previous.equals("stopped") && !previous.equals("created") && !previous.equals("failed")) {
      // UNCONFIRMED at Fly: the status for starting a machine that is not stopped.
      throw new IllegalStateException("unable to start machine from current state: '" + previous + "'");
    }
    return starting(previous, false);
  }

  private Boot starting(String previous, boolean imageChanged) {
    generation++;
    state = "starting";
    updatedAt = Instant.now();
    event("start", "starting", "user", null);
    notifyAll();
    return new Boot(generation, previous, imageChanged);
  }

  /** An update for a version the machine no longer has: someone else changed it first. */
  static final class VersionMismatch extends RuntimeException {
    VersionMismatch(String message) {
      super(message);
    }
  }

  /**
   * {@code POST /{id}}: the whole config replaced, a new version. A running machine's process is
   * killed first, as Fly replaces the VM; the next boot starts from the image.
   *
   * @param expectedVersion {@code current_version}: the update applies only to this instance_id;
   *     null for any
   * @return the boot to schedule, unless {@code skipLaunch}
   */
  Optional<Boot> update(ObjectNode newConfig, boolean skipLaunch, String expectedVersion) throws InterruptedException {
    Spawned running;
    CompletableFuture<Void> lastRun;
    synchronized (this) {
      if (expectedVersion != null && !expectedVersion.equals(instanceId)) {
        throw new VersionMismatch("machine " + id + " is at version " + instanceId + ", not " + expectedVersion);
      }
      if (expectedVersion != null && updating > 0) {
        // The version is being replaced: of updates racing from it, only the first applies.
        throw new VersionMismatch("machine " + id + " is being updated from version " + instanceId);
      }
      updating++;
      // No boot scheduled before this update may run the old config.
      generation++;
      running = process != null && process.isAlive() ? process : null;
      replacing = running != null;
      lastRun = runEnded;
    }
    try {
      return replace(newConfig, skipLaunch, running, lastRun);
    } finally {
      synchronized (this) {
        updating--;
      }
    }
  }

  /** The rest of {@link #update}, once it is the one update under way. */
  private Optional<Boot> replace(ObjectNode newConfig, boolean skipLaunch, Spawned running,
      CompletableFuture<Void> lastRun) throws InterruptedException {
    if (running != null) {
      signal("SIGKILL");
      running.waitFor(10, TimeUnit.SECONDS);
    }
    try {
      // Its exit is recorded before the new config is in place, never after a new start.
      lastRun.get(10, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      throw new IllegalStateException("the machine's last run has not exited yet");
    }
    synchronized (this) {
      if (state.equals("destroyed")) {
        throw new NoSuchElementException("machine not found");
      }
      boolean imageChanged = !config.path("image").asText().equals(newConfig.path("image").asText());
      String previous = state;
      config = newConfig;
      instanceId = Ids.ulid();
      if (!state.equals("created") && !state.equals("failed")) {
        state = "stopped";
      }
      updatedAt = Instant.now();
      event("update", "replacing", "user", null);
      notifyAll();
      return skipLaunch ? Optional.empty() : Optional.of(starting(previous, imageChanged));
    }
  }

  /**
   * {@code POST /lease}: a new lease, or with the holder's nonce the same one for longer.
   *
   * @throws IllegalStateException with Fly's 409 message when someone else holds it
   */
  synchronized MachineLease lease(String nonce, long ttlSeconds, String description) {
    long now = Instant.now().getEpochSecond();
    MachineLease held = currentLease(now);
    if (held != null && !held.nonce().equals(nonce)) {
      throw new IllegalStateException("machine ID " + id + " lease currently held by " + held.owner()
          + ", expires at " + Instant.ofEpochSecond(held.expiresAt()));
    }
    String leaseNonce = held != null ? held.nonce() : Ids.ulid().substring(14).toLowerCase();
    lease = new MachineLease(leaseNonce, now + ttlSeconds, MachineLease.OWNER,
        description == null ? "" : description, instanceId);
    return lease;
  }

  /** The lease now, or null. */
  synchronized MachineLease currentLease() {
    return currentLease(Instant.now().getEpochSecond());
  }

  private MachineLease currentLease(long now) {
    if (lease != null && lease.expired(now)) {
      lease = null;
    }
    return lease;
  }

  /** The lease that refuses a change sent with {@code nonce} (null: none); null when it may go ahead. */
  synchronized MachineLease refusing(String nonce) {
    MachineLease held = currentLease();
    return held == null || held.nonce().equals(nonce) ? null : held;
  }

  /** {@code DELETE /lease}; false when {@code nonce} is not the holder's. */
  synchronized boolean release(String nonce) {
    MachineLease held = currentLease();
    if (held != null && !held.nonce().equals(nonce)) {
      return false;
    }
    lease = null;
    return true;
  }

  private void failToStart(String why) {
    synchronized (this) {
      if (!isLaunchable()) {
        return;
      }
      transition("started", "start");
    }
    host.lifecycle().started(this);
    logs.append(id, region, why);
    exited(127, -1, null);
  }

  /** A run ended: what it wrote goes to the logs before its exit line. */
  private void endRun(Spawned run, OutputFile out, Integer exitCode, Throwable lost, CompletableFuture<Void> ended) {
    try {
      host.memory().unwatch(run.pid());
      collect(out, true);
      out.delete();
      int code = exitCode != null ? exitCode : 255;
      if (lost != null) {
        logs.append(id, region, "emulator: " + lost.getMessage());
      }
      // A process killed by a signal reports 128 + the signal's number.
      boolean signalled = code > 128 && code < 160;
      exited(code, signalled ? code - 128 : -1, run);
    } finally {
      ended.complete(null);
    }
  }

  /** The running process's output so far into the logs, for a reader of the logs. */
  void collectOutput() {
    OutputFile out;
    synchronized (this) {
      out = process != null && process.isAlive() ? output : null;
    }
    if (out != null) {
      collect(out, false);
    }
  }

  private void collect(OutputFile out, boolean toEnd) {
    try {
      out.collect(toEnd);
    } catch (IOException e) {
      logs.append(id, region, "emulator: output lost: " + e.getMessage());
    }
  }

  /** @param exitedProcess the process that exited; null when none could start */
  private void exited(int code, int signal, Spawned exitedProcess) {
    boolean replaced;
    ObjectNode config;
    synchronized (this) {
      replaced = replacing || (exitedProcess != null && exitedProcess != process);
      config = this.config;
    }
    String init = signal > 0
        ? "Main child exited with signal (with signal '" + signal + "', core dumped? false)"
        : "Main child exited normally with code: " + code;
    logs.append(id, region, init);
    ObjectNode exit = JSON.objectNode()
        .put("exit_code", code).put("guest_exit_code", code).put("guest_signal", -1)
        .put("signal", signal).put("oom_killed", oomKilled).put("requested_stop", stopRequested || replaced)
        .put("restarting", false).put("exited_at", Instant.now().toString());
    ObjectNode request = JSON.objectNode();
    request.set("exit_event", exit);
    request.put("restart_count", 0);
    synchronized (this) {
      if (!state.equals("destroyed") && (exitedProcess == null || exitedProcess == process)) {
        state = "stopped";
        updatedAt = Instant.now();
      }
      event("exit", "stopped", "flyd", request);
      notifyAll();
    }
    // A run an update replaced ends the run, not the machine.
    if (!replaced && config.path("auto_destroy").asBoolean(false)) {
      destroy("flyd");
    }
  }

  /** Sends {@code signal} now and SIGKILL after {@code timeout} if still running. */
  void stop(String signal, Duration timeout) {
    synchronized (this) {
      generation++;
      stopRequested = true;
      if (isLaunchable() && (process == null || !process.isAlive())) {
        // Not launched (yet, or again): it stops without an exit event, as no process exited.
        state = "stopped";
        updatedAt = Instant.now();
        event("stop", "stopped", "user", null);
        notifyAll();
        return;
      }
      if (process == null || !process.isAlive()) {
        return;
      }
      state = "stopping";
      notifyAll();
    }
    signal(signal);
    Spawned stopping;
    synchronized (this) {
      stopping = process;
    }
    Thread.ofVirtual().start(() -> {
      try {
        if (!stopping.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          signal("SIGKILL");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  /**
   * Delivers a signal to the process and its descendants. SIGKILL and SIGTERM go straight from
   * the JVM; other signals need kill(1).
   */
  void signal(String signal) {
    Spawned p;
    synchronized (this) {
      p = process;
    }
    if (p == null || !p.isAlive()) {
      return;
    }
    List<Long> pids = new ArrayList<>(ProcTree.descendants(p.pid()));
    pids.add(p.pid());
    String name = signal.replaceFirst("^SIG", "");
    if (name.equals("KILL") || name.equals("9") || name.equals("TERM") || name.equals("15")) {
      boolean kill = name.equals("KILL") || name.equals("9");
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(h -> {
        if (kill) {
          h.destroyForcibly();
        } else {
          h.destroy();
        }
      }));
      return;
    }
    List<String> command = new ArrayList<>(List.of("kill", "-s", name));
    pids.forEach(pid -> command.add(Long.toString(pid)));
    try {
      new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
    } catch (IOException e) {
      ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Like the kernel's OOM killer: SIGKILL once the process tree's RSS passes guest.memory_mb. */
  private void oomKill(long pid, long rssKb, long limitKb) {
    logs.append(id, region, "Out of memory: Killed process " + pid + " (" + rssKb / 1024 + " MB > " + limitKb / 1024 + " MB)");
    synchronized (this) {
      oomKilled = true;
    }
    signal("SIGKILL");
  }

  /**
   * Kills the process and marks the machine destroyed; false when it already was. The state
   * changes first, so a machine still booting never starts its process.
   *
   * @param source "user" for an API call, "flyd" when the machine destroys itself
   */
  boolean destroy(String source) {
    synchronized (this) {
      if (state.equals("destroyed")) {
        return false;
      }
      generation++;
      state = "destroyed";
      updatedAt = Instant.now();
      event("destroy", "destroyed", source, null);
      // Counted gone before any waiter hears of it: a client that saw "destroyed" sees the count too.
      host.lifecycle().destroyed(this);
      notifyAll();
    }
    signal("SIGKILL");
    removeFiles();
    Spawned p;
    synchronized (this) {
      p = process;
    }
    if (p != null && p.isAlive()) {
      // What the dying process still wrote goes too.
      // Not on the thread that hears every machine's exits: a removal may take a while.
      p.exit().whenCompleteAsync((code, lost) -> removeFiles(), EXITS);
    }
    return true;
  }

  /** Deletes the machine's directory, as Fly discards a destroyed machine's root filesystem. */
  private void removeFiles() {
    removeTree(root);
  }

  private static void removeTree(Path top) {
    if (!Files.exists(top)) {
      return;
    }
    try (Stream<Path> files = Files.walk(top)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort: a file that vanished meanwhile, or one the process made unreadable.
    }
  }

  /**
   * Blocks until the machine is in one of {@code states}; false when the timeout passed first.
   *
   * @param version the version that must reach the state (Fly's {@code version}); null for any
   * @throws VersionMismatch when the machine is at another version: that one was replaced, and
   *     never reaches a state again
   */
  synchronized boolean await(Set<String> states, Duration timeout, String version) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (version != null && !version.equals(instanceId)) {
        throw new VersionMismatch("machine " + id + " version " + version + " was replaced by " + instanceId);
      }
      if (states.contains(state)) {
        return true;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || state.equals("destroyed")) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
  }

  synchronized ObjectNode toJson(boolean withEvents) {
    ObjectNode m = JSON.objectNode()
        .put("id", id).put("name", name).put("state", state).put("region", region)
        .put("instance_id", instanceId).put("private_ip", "fdaa:0:0:0:0:0:0:" + id.substring(0, 4))
        .put("created_at", createdAt.toString()).put("updated_at", updatedAt.toString());
    m.set("config", config);
    if (withEvents) {
      m.set("events", eventsJson(20));
    }
    return m;
  }

  synchronized ArrayNode eventsJson(int limit) {
    ArrayNode list = JSON.arrayNode();
    events.stream().limit(limit).forEach(list::add);
    return list;
  }

  private void transition(String newState, String eventType) {
    synchronized (this) {
      state = newState;
      updatedAt = Instant.now();
      event(eventType, newState, "flyd", null);
      notifyAll();
    }
  }

  private void event(String type, String status, String source, JsonNode request) {
    ObjectNode e = JSON.objectNode().put("id", Ids.ulid()).put("type", type).put("status", status)
        .put("source", source).put("timestamp", System.currentTimeMillis());
    if (request != null) {
      e.set("request", request);
    }
    events.addFirst(e);
  }

  /** Writes {@code config.files} under the machine's root; returns guest path → local path. */
  private Map<String, String> writeFiles(Path rootfs) throws IOException {
    Map<String, String> guestPaths = new LinkedHashMap<>();
    for (JsonNode file : config.path("files")) {
      String guest = file.path("guest_path").asText();
      if (!guest.startsWith("/")) {
        throw new IllegalArgumentException("files[].guest_path must be absolute, was " + guest);
      }
      Path local = rootfs.resolve(guest.substring(1)).normalize();
      if (!local.startsWith(rootfs)) {
        throw new IllegalArgumentException("files[].guest_path escapes the machine: " + guest);
      }
      Files.createDirectories(local.getParent());
      Files.write(local, Base64.getDecoder().decode(file.path("raw_value").asText()));
      guestPaths.put(guest, local.toString());
    }
    return guestPaths;
  }
}

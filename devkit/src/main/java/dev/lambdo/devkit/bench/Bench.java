package dev.lambdo.devkit.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lambdo.config.PollerConfig;
import dev.lambdo.config.Secret;
import dev.lambdo.config.WorkerConfig;
import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.devkit.emulator.RateLimits;
import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.devkit.temporal.TemporalServer;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.poller.Poller;
import dev.lambdo.poller.Pollers;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.workflow.WorkflowIds;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import okhttp3.HttpUrl;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * {@code ./lambdo bench}: on one fresh stack (the temporal CLI's dev server, its database in
 * memory unless asked otherwise, so that the figures are the orchestration's and not this disk's;
 * embedded SQS, the Fly emulator, the worker as its own JVM, pollers in this one) it measures
 * Lambdo beside {@link BaselineLoop}, the Go original's plain loop, and prints a table; the same
 * figures go to {@code devkit/target/bench/summary.json}.
 *
 * <ol>
 *   <li>latency: send → machine process start, one event at a time (the next once the last is
 *       deleted and its workflow closed), the three alternating after {@value
 *       BenchOptions#DEFAULT_LATENCY_WARM_UP} rounds of warm-up (or {@code --latency-warm-up});
 *       no boot delay and creates unpaced, so the figure is the
 *       orchestration's own cost;
 *   <li>drain: {@value #DRAIN_EVENTS} queued events with an instant command, 10 per machine, Fly's
 *       limits off, after {@value #DRAIN_WARM_UP_EVENTS} unmeasured ones each;
 *   <li>limit: {@value #LIMIT_EVENTS} queued events, one per machine, each machine living
 *       {@value #LIMIT_MACHINE_SECONDS} s: does a backlog fill the machine limit, and never pass it?
 *   <li>Fly-limited: the emulator enforces Fly's documented rate limits and boots machines in
 *       {@value #BOOT_DELAY_MS} ms, the worker paces creates to 1/s;
 *   <li>pool: a warm pool of {@value #POOL_SIZE} stopped machines beside a machine per batch,
 *       Fly's limits on, a create booting in {@value #BOOT_DELAY_MS} ms and a start in
 *       {@value #START_DELAY_MS} ms: send → start one event at a time, then a backlog's events/s;
 *   <li>scale: {@value #SCALE_MACHINES} machines alive at once, awaited by one worker.
 * </ol>
 */
public final class Bench {
  static final int LATENCY_EVENTS = 20;
  static final String LAMBDO = "lambdo";
  /** Lambdo with the poller in the worker's process: its batches start eagerly. */
  static final String ONE_PROCESS = "lambdo_one_process";
  static final String BASELINE = "baseline";
  static final List<String> LATENCY_SIDES = List.of(LAMBDO, ONE_PROCESS, BASELINE);
  static final int DRAIN_EVENTS = 1000;
  static final int DRAIN_LIMIT = 50;
  /**
   * Unmeasured events each side drains first. Alone, the drain measured a worker JVM still
   * compiling: its JIT threads took 4.6 s of CPU in a 10 s drain, more than its work (3.4 s), on
   * two cores the whole stack shares; the baseline runs in this JVM, warm from the stack's own work.
   */
  static final int DRAIN_WARM_UP_EVENTS = 500;
  /** Twice the limit, so a second wave waits on the first. */
  static final int LIMIT_EVENTS = 2 * DRAIN_LIMIT;
  /**
   * Long enough for the poller to fill the limit before the first machines end: with an instant
   * command (the drain) machines end faster than batches start, and the limit is never what binds.
   */
  static final int LIMIT_MACHINE_SECONDS = 3;
  static final int FLY_LIMITED_EVENTS = 25;
  static final double FLY_CREATES_PER_SECOND = 1.0;
  static final double UNPACED = 0;
  static final int BOOT_DELAY_MS = 500;
  static final int SCALE_MACHINES = 2000;
  static final int SCALE_SLEEP_SECONDS = 75;
  static final int POOL_SIZE = 10;
  static final int POOL_LATENCY_EVENTS = 8;
  static final int POOL_THROUGHPUT_EVENTS = 30;
  /** A stopped machine's start: "subsecond" at Fly; the create's boot is {@link #BOOT_DELAY_MS}. */
  static final int START_DELAY_MS = 100;
  /** The phases by name, in the order they run. */
  private static final Map<String, Step> PHASES = phases();
  static final List<String> ALL_PHASES = List.copyOf(PHASES.keySet());
  private static final String TOKEN = "bench-token";
  private static final String APP = "lambdo-bench";

  private final PrintStream out = System.out;
  private final Path dir;
  private final TemporalServer temporal;
  private final EmbeddedSqs sqs;
  private final FlyEmulator fly;
  private final ObjectNode summary = new ObjectMapper().createObjectNode();
  private final Map<String, WorkerProcess> workers = new HashMap<>();
  /** Unmeasured latency rounds before the measured ones ({@code --latency-warm-up}). */
  private final int latencyWarmUp;

  private Bench(Path dir, TemporalServer temporal, EmbeddedSqs sqs, FlyEmulator fly, int latencyWarmUp) {
    this.latencyWarmUp = latencyWarmUp;
    this.dir = dir;
    this.temporal = temporal;
    this.sqs = sqs;
    this.fly = fly;
  }

  /**
   * {@code --phases latency,drain} runs only those, all of them by default; {@code --temporal-db
   * file} keeps the Temporal server's database on disk instead of in memory; {@code
   * --latency-warm-up N} runs N unmeasured latency rounds first ({@link BenchOptions}).
   */
  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args, ALL_PHASES);
    } catch (IllegalArgumentException e) {
      usage(e.getMessage());
      return;
    }
    boolean dbOnDisk = options.dbOnDisk();
    Path dir = Files.createTempDirectory("lambdo-bench");
    Path out = Path.of(Files.isDirectory(Path.of("devkit")) ? "devkit/target/bench" : "target/bench");
    try (TemporalServer temporal = TemporalServer.startCli(dir.resolve("temporal"), dbOnDisk);
        EmbeddedSqs sqs = new EmbeddedSqs(0);
        FlyEmulator fly = new FlyEmulator(0, TOKEN, dir.resolve("machines"))) {
      Bench bench = new Bench(dir, temporal, sqs, fly, options.latencyWarmUp());
      bench.out.println("Temporal dev server, database " + (dbOnDisk ? "on disk" : "in memory"));
      bench.summary.put("temporal_db", dbOnDisk ? "file" : "memory");
      long start = System.nanoTime();
      try {
        for (Map.Entry<String, Step> phase : PHASES.entrySet()) {
          if (options.phases().contains(phase.getKey())) {
            phase.getValue().run(bench);
          }
        }
      } finally {
        // The workers are JVMs of their own: a phase that throws must not leave them running.
        bench.workers.values().forEach(WorkerProcess::close);
      }
      bench.out.printf("%nbench took %.0f s; machines' files under %s%n", (System.nanoTime() - start) / 1e9, dir);
      Files.createDirectories(out);
      Path file = out.resolve("summary.json");
      Files.writeString(file, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(bench.summary));
      bench.out.println("summary: " + file.toAbsolutePath());
    }
    System.exit(0);
  }

  private interface Step {
    void run(Bench bench) throws Exception;
  }

  private static Map<String, Step> phases() {
    Map<String, Step> all = new LinkedHashMap<>();
    all.put("latency", Bench::latency);
    all.put("drain", Bench::drain);
    all.put("limit", Bench::limit);
    all.put("fly-limited", Bench::flyLimited);
    all.put("pool", Bench::pool);
    all.put("scale", Bench::scale);
    return Collections.unmodifiableMap(all);
  }

  private static void usage(String problem) {
    System.err.println("bench: " + problem + "\nusage: ./lambdo bench [--phases "
        + String.join(",", ALL_PHASES) + "] [--temporal-db memory|file] [--latency-warm-up N]");
    System.exit(2);
  }

  /**
   * Send → machine process start, the systems taking turns event by event: Lambdo as two apps (a
   * poller here, the worker's JVM), Lambdo as one process ({@link WorkerConfig#POLLS}, a worker
   * JVM that polls), and the baseline.
   */
  @SuppressWarnings("try") // the phases run while their resources are open
  private void latency() throws Exception {
    out.printf("== latency: send → machine process start, one event at a time, taking turns after %d rounds of warm-up%n",
        latencyWarmUp);
    Map<String, EmbeddedSqs.Queues> queues = new LinkedHashMap<>();
    for (String side : LATENCY_SIDES) {
      queues.put(side, sqs.createQueues("latency-" + side, 30));
    }
    Map<String, List<Long>> latencies = new HashMap<>();
    Map<String, List<Breakdown>> breakdowns = new HashMap<>();
    LATENCY_SIDES.forEach(side -> {
      latencies.put(side, new ArrayList<>());
      breakdowns.put(side, new ArrayList<>());
    });
    EmbeddedSqs.Queues one = queues.get(ONE_PROCESS);
    try (Phase lambdo = new Phase(queues.get(LAMBDO), UNPACED, Map.of("LAMBDO_EVENTS_PER_MACHINE", "10"));
        Phase oneProcess = new Phase(ONE_PROCESS, null, UNPACED, Map.of(WorkerConfig.POLLS, "true",
            "LAMBDO_SQS_QUEUE_URL", one.main(), "LAMBDO_DLQ_URL", one.dlq(), "LAMBDO_EVENTS_PER_MACHINE", "10"), Map.of());
        Baseline baseline = new Baseline(queues.get(BASELINE).main(), 10)) {
      oneProcess.awaitWorker();
      for (int i = -latencyWarmUp; i < LATENCY_EVENTS; i++) {
        // Each side goes first, second and last in turn.
        List<String> order = new ArrayList<>(LATENCY_SIDES);
        Collections.rotate(order, Math.floorMod(i, order.size()));
        for (String side : order) {
          String queue = queues.get(side).main();
          Set<String> before = new HashSet<>(fly.machineIds());
          long sent = System.currentTimeMillis();
          String messageId = send(queue, "latency", i, List.of("true"), 1);
          String machine = awaitNewStartedMachine(before);
          long started = fly.startedAtMillis(machine).orElseThrow();
          if (i >= 0) {
            latencies.get(side).add(started - sent);
          }
          await(Duration.ofSeconds(60), () -> sqs.approximateCount(queue) == 0 && noMachineRunning());
          if (side.equals(BASELINE)) {
            continue;
          }
          String workflowId = WorkflowIds.forMessages(List.of(messageId));
          if (i >= 0) {
            // Read once the run is past its first task: a task's started event is in history once it completes.
            breakdowns.get(side).add(Breakdown.of(temporal.client(), workflowId, sent, started));
            if (Boolean.getBoolean("lambdo.bench.timeline")) {
              out.println(side + ": sent +" + (started - sent) + " ms machine start; " + breakdowns.get(side).getLast()
                  + "; batch: " + Breakdown.timeline(temporal.client(), workflowId));
            }
          }
          // One event at a time: the next is sent once this batch's workflow has closed too.
          await(Duration.ofSeconds(60), () -> temporal.client().newUntypedWorkflowStub(workflowId)
              .describe().getStatus() != io.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        }
      }
    }
    summary.put("latency_warm_up_rounds", latencyWarmUp);
    ObjectNode node = summary.putObject("latency_ms");
    for (String side : LATENCY_SIDES) {
      List<Long> values = latencies.get(side);
      values.sort(null);
      node.putObject(side).put("p50", percentile(values, 50)).put("p90", percentile(values, 90));
    }
    out.printf("%-22s %10s %12s %10s%n", "", "Lambdo", "one process", "baseline");
    for (String p : List.of("p50", "p90")) {
      out.printf("%-22s %10d %12d %10d%n", p + " ms", node.path(LAMBDO).path(p).asLong(),
          node.path(ONE_PROCESS).path(p).asLong(), node.path(BASELINE).path(p).asLong());
    }
    out.println("Lambdo's p50, step by step (from the workflows' histories): " + Breakdown.medians(breakdowns.get(LAMBDO)));
    out.println("one process's p50, step by step: " + Breakdown.medians(breakdowns.get(ONE_PROCESS)));
  }

  /** A queued backlog drained by each system in turn, Fly's limits off. */
  @SuppressWarnings("try") // the baseline warms up while it is open
  private void drain() throws Exception {
    out.printf("%n== drain: %d queued events, instant command, 10 per machine, limit %d machines, after %d unmeasured%n",
        DRAIN_EVENTS, DRAIN_LIMIT, DRAIN_WARM_UP_EVENTS);
    ObjectNode node = summary.putObject("drain").put("events", DRAIN_EVENTS).put("events_per_machine", 10)
        .put("warm_up_events", DRAIN_WARM_UP_EVENTS);
    Map<String, String> pollerEnv = Map.of("LAMBDO_EVENTS_PER_MACHINE", "10",
        "LAMBDO_MAX_CONCURRENT_MACHINES", Integer.toString(DRAIN_LIMIT));
    double lambdoRate;
    int peak;
    int createdBefore;
    List<String> machinesBefore;
    EmbeddedSqs.Queues lambdoQueue = sqs.createQueues("drain-lambdo", 30);
    try (Phase lambdo = new Phase(null, UNPACED, Map.of())) {
      lambdo.awaitWorker();
      EmbeddedSqs.Queues warmUp = sqs.createQueues("drain-lambdo-warm-up", 30);
      fill(warmUp.main(), "drain-warm-up", DRAIN_WARM_UP_EVENTS, List.of("true"));
      Map<String, String> warmUpEnv = new HashMap<>(pollerEnv);
      // Its stop waits out the long poll in hand on the emptied queue.
      warmUpEnv.put("LAMBDO_SQS_LONG_POLL_SECONDS", "1");
      lambdo.startPoller(warmUp, warmUpEnv);
      await(Duration.ofMinutes(3), () -> sqs.approximateCount(warmUp.main()) == 0 && fly.machinesAlive() == 0);
      lambdo.stopPoller();
      fill(lambdoQueue.main(), "drain", DRAIN_EVENTS, List.of("true"));
      createdBefore = fly.machinesCreated();
      machinesBefore = List.copyOf(fly.machineIds());
      PeakSampler sampler = new PeakSampler(fly);
      long start = System.nanoTime();
      lambdo.startPoller(lambdoQueue, pollerEnv);
      await(Duration.ofMinutes(3), () -> sqs.approximateCount(lambdoQueue.main()) == 0 && fly.machinesAlive() == 0);
      lambdoRate = DRAIN_EVENTS / ((System.nanoTime() - start) / 1e9);
      peak = sampler.stop();
      if (Boolean.getBoolean("lambdo.bench.timeline")) {
        temporal.client().listExecutions("WorkflowType = 'BatchWorkflow'").limit(3).forEach(e -> out.println(
            "one batch: " + Breakdown.timeline(temporal.client(), e.getExecution().getWorkflowId())));
      }
    }
    int machines = fly.machinesCreated() - createdBefore;
    int lost = Ledger.of(fly, newMachines(machinesBefore), "drain").lost(DRAIN_EVENTS);

    EmbeddedSqs.Queues baselineWarmUp = sqs.createQueues("drain-baseline-warm-up", 30);
    fill(baselineWarmUp.main(), "drain-baseline-warm-up", DRAIN_WARM_UP_EVENTS, List.of("true"));
    try (Baseline warming = new Baseline(baselineWarmUp.main(), 10)) {
      await(Duration.ofMinutes(3), () -> sqs.approximateCount(baselineWarmUp.main()) == 0 && noMachineRunning());
    }
    EmbeddedSqs.Queues baselineQueue = sqs.createQueues("drain-baseline", 30);
    fill(baselineQueue.main(), "drain-baseline", DRAIN_EVENTS, List.of("true"));
    double baselineRate;
    try (Baseline baseline = new Baseline(baselineQueue.main(), 10)) {
      long start = System.nanoTime();
      baseline.start();
      await(Duration.ofMinutes(3), () -> sqs.approximateCount(baselineQueue.main()) == 0 && noMachineRunning());
      baselineRate = DRAIN_EVENTS / ((System.nanoTime() - start) / 1e9);
    }
    node.put("lambdo_events_per_s", round(lambdoRate)).put("baseline_events_per_s", round(baselineRate))
        .put("machines", machines).put("machines_ideal", (DRAIN_EVENTS + 9) / 10)
        .put("peak_alive", peak).put("limit", DRAIN_LIMIT).put("lambdo_events_lost", lost);
    out.printf("%-22s %10.1f %10.1f%n", "events/s", lambdoRate, baselineRate);
    out.printf("machines %d (ideal %d), peak alive %d of limit %d, events lost %d%n",
        machines, (DRAIN_EVENTS + 9) / 10, peak, DRAIN_LIMIT, lost);
  }

  /** A backlog of machines that outlive a round of starts: is the limit filled, and never passed? */
  private void limit() throws Exception {
    out.printf("%n== limit: %d queued events, one per machine, each machine %d s, limit %d machines%n",
        LIMIT_EVENTS, LIMIT_MACHINE_SECONDS, DRAIN_LIMIT);
    EmbeddedSqs.Queues queue = sqs.createQueues("limit", 30);
    fill(queue.main(), "limit", LIMIT_EVENTS, List.of("sleep", Integer.toString(LIMIT_MACHINE_SECONDS)));
    List<String> machinesBefore = List.copyOf(fly.machineIds());
    int peak;
    double toLimit;
    try (Phase lambdo = new Phase(null, UNPACED, Map.of())) {
      lambdo.awaitWorker();
      PeakSampler sampler = new PeakSampler(fly, DRAIN_LIMIT);
      long start = System.nanoTime();
      lambdo.startPoller(queue, Map.of("LAMBDO_EVENTS_PER_MACHINE", "1",
          "LAMBDO_MAX_CONCURRENT_MACHINES", Integer.toString(DRAIN_LIMIT)));
      await(Duration.ofMinutes(2), () -> sqs.approximateCount(queue.main()) == 0 && fly.machinesAlive() == sampler.before);
      peak = sampler.stop();
      toLimit = sampler.reachedAt().isEmpty() ? -1 : round((sampler.reachedAt().getAsLong() - start) / 1e9);
    }
    List<String> made = newMachines(machinesBefore);
    int lost = Ledger.of(fly, made, "limit").lost(LIMIT_EVENTS);
    summary.putObject("limit").put("events", LIMIT_EVENTS).put("machine_seconds", LIMIT_MACHINE_SECONDS)
        .put("limit", DRAIN_LIMIT).put("peak_alive", peak).put("seconds_to_limit", toLimit)
        .put("machines", made.size()).put("events_lost", lost);
    out.printf("peak alive %d of limit %d, %s; machines %d, events lost %d%n", peak, DRAIN_LIMIT,
        toLimit < 0 ? "the limit never reached" : "reached " + toLimit + " s after the poller started", made.size(), lost);
  }

  /** Fly's rate limits and boot time on: does Lambdo use the allowed rate, and lose nothing? */
  @SuppressWarnings("try") // the phases run while their resources are open
  private void flyLimited() throws Exception {
    out.printf("%n== Fly limits on: %d events, one per machine, creates paced to %.1f/s, boot %d ms%n",
        FLY_LIMITED_EVENTS, FLY_CREATES_PER_SECOND, BOOT_DELAY_MS);
    fly.faults().rateLimits(RateLimits.FLY).bootDelay(Duration.ofMillis(BOOT_DELAY_MS));
    long http429Before = fly.http429();
    List<String> machinesBefore = List.copyOf(fly.machineIds());
    EmbeddedSqs.Queues queue = sqs.createQueues("fly-limited", 30);
    try (Phase lambdo = new Phase(queue, FLY_CREATES_PER_SECOND,
        Map.of("LAMBDO_EVENTS_PER_MACHINE", "1"))) {
      fill(queue.main(), "fly-limited", FLY_LIMITED_EVENTS, List.of("true"));
      await(Duration.ofMinutes(3), () -> sqs.approximateCount(queue.main()) == 0 && fly.machinesAlive() == 0);
    } finally {
      fly.faults().rateLimits(RateLimits.OFF).bootDelay(Duration.ZERO);
    }
    List<String> made = newMachines(machinesBefore);
    List<Long> starts = new ArrayList<>();
    made.forEach(id -> fly.startedAtMillis(id).ifPresent(starts::add));
    CreateRate rates = CreateRate.of(starts);
    double rate = rates.overall();
    double paced = rates.afterBurst(RateLimits.FLY.actionBurst());
    Ledger ledger = Ledger.of(fly, made, "fly-limited");
    int lost = ledger.lost(FLY_LIMITED_EVENTS);
    int dlq = sqs.approximateCount(queue.dlq());
    long http429 = fly.http429() - http429Before;
    summary.putObject("fly_limited").put("allowed_creates_per_s", FLY_CREATES_PER_SECOND)
        .put("lambdo_creates_per_s", round(rate)).put("lambdo_creates_per_s_after_burst", round(paced))
        .put("events_lost", lost).put("dlq", dlq)
        .put("http_429", http429).put("machines", made.size()).put("run_twice", ledger.duplicates());
    out.printf("creates/s %.2f of %.1f allowed (%.0f%%; %.2f after Fly's burst, %.0f%%), machines %d, events lost %d,"
        + " run twice %d, in DLQ %d, 429s %d%n", rate, FLY_CREATES_PER_SECOND, 100 * rate / FLY_CREATES_PER_SECOND,
        paced, 100 * paced / FLY_CREATES_PER_SECOND, made.size(), lost, ledger.duplicates(), dlq, http429);
  }

  /**
   * Issue 13: the same events through a worker with a warm pool and one without, Fly's limits on,
   * one after the other on the same stack.
   */
  @SuppressWarnings("try") // the phases run while their resources are open
  private void pool() throws Exception {
    out.printf("%n== warm pool of %d beside a machine per batch: Fly's limits on, create boots in %d ms, start in %d ms;"
        + " %d events one at a time, then %d at once%n", POOL_SIZE, BOOT_DELAY_MS, START_DELAY_MS, POOL_LATENCY_EVENTS,
        POOL_THROUGHPUT_EVENTS);
    String poolJson = "[{\"image\":\"bench:1\",\"size\":\"shared-cpu-1x\",\"region\":\"iad\",\"min_idle\":"
        + POOL_SIZE + ",\"max\":" + POOL_SIZE + "}]";
    // Filled before the clock starts, as a keeper would have done long before.
    dev.lambdo.pool.WarmPool warm = new dev.lambdo.pool.WarmPool(new FlyClient(FlyClient.defaultHttpClient(),
        HttpUrl.get(fly.url()), HttpUrl.get(fly.url()), new Secret(TOKEN), APP));
    dev.lambdo.config.PoolSettings.Pool shape = dev.lambdo.config.PoolSettings.parse(poolJson, "iad").getFirst();
    for (int i = 0; i < POOL_SIZE; i++) {
      warm.add(shape);
    }
    fly.faults().rateLimits(RateLimits.FLY).bootDelay(Duration.ofMillis(BOOT_DELAY_MS))
        .startDelay(Duration.ofMillis(START_DELAY_MS));
    ObjectNode node = summary.putObject("pool").put("size", POOL_SIZE);
    try {
      List<String> before = List.copyOf(fly.machineIds());
      PathFigures create = poolPath("create", FLY_CREATES_PER_SECOND, Map.of());
      int creates = newMachines(before).size();
      before = List.copyOf(fly.machineIds());
      PathFigures pooled = poolPath("pooled", FLY_CREATES_PER_SECOND,
          Map.of("LAMBDO_POOLS", poolJson, "LAMBDO_FLY_REGION", "iad"));
      int pooledCreates = newMachines(before).size();
      node.put("pooled_events_per_s", round(pooled.eventsPerSecond)).put("create_events_per_s",
              round(create.eventsPerSecond))
          .put("pooled_p50_ms", pooled.p50).put("create_p50_ms", create.p50)
          .put("pooled_p90_ms", pooled.p90).put("create_p90_ms", create.p90)
          .put("events_lost", pooled.lost + create.lost).put("run_twice", pooled.duplicates + create.duplicates)
          .put("saw_another_batchs_files", pooled.stale + create.stale)
          .put("pooled_creates", pooledCreates).put("create_creates", creates)
          .put("modelled_create_minus_start_ms", BOOT_DELAY_MS - START_DELAY_MS);
      out.printf("%-28s %10s %10s%n", "", "pool", "create");
      out.printf("%-28s %10.2f %10.2f%n", "events/s (backlog)", pooled.eventsPerSecond, create.eventsPerSecond);
      out.printf("%-28s %10d %10d%n", "send → start p50 ms", pooled.p50, create.p50);
      out.printf("%-28s %10d %10d%n", "send → start p90 ms", pooled.p90, create.p90);
      out.printf("%-28s %10d %10d%n", "machines created", pooledCreates, creates);
      out.printf("events lost %d, run twice %d, runs that saw another batch's files %d; throughput %.1f×%n",
          pooled.lost + create.lost, pooled.duplicates + create.duplicates, pooled.stale + create.stale,
          pooled.eventsPerSecond / create.eventsPerSecond);
    } finally {
      fly.faults().rateLimits(RateLimits.OFF).bootDelay(Duration.ZERO).startDelay(Duration.ZERO);
    }
  }

  private record PathFigures(double eventsPerSecond, long p50, long p90, int lost, int duplicates, int stale) {}

  /** One path: events one at a time for send → start, then a backlog for events/s. */
  @SuppressWarnings("try") // the poller runs while the phase is open
  private PathFigures poolPath(String name, double createsPerSecond, Map<String, String> workerEnv) throws Exception {
    String phase = "pool-" + name;
    RunFiles runs = new RunFiles(dir.resolve(phase));
    EmbeddedSqs.Queues queue = sqs.createQueues(phase, 30);
    List<Long> latencies = new ArrayList<>();
    int total = POOL_LATENCY_EVENTS + POOL_THROUGHPUT_EVENTS;
    double rate;
    try (Phase lambdo = new Phase(name, queue, createsPerSecond, workerEnv, Map.of("LAMBDO_EVENTS_PER_MACHINE", "1"))) {
      for (int n = 0; n < POOL_LATENCY_EVENTS; n++) {
        int event = n;
        long sent = System.currentTimeMillis();
        sqs.client().sendMessage(r -> r.queueUrl(queue.main()).messageBody(body(phase, event))
            .messageAttributes(attributes(runs.command(), 2)));
        await(Duration.ofMinutes(1), () -> runs.starts(phase).containsKey(event));
        latencies.add(runs.starts(phase).get(event) - sent);
        // The next one finds the system at rest: a batch deletes its message after its machine is back or gone.
        await(Duration.ofMinutes(1), () -> sqs.approximateCount(queue.main()) == 0);
      }
      long start = System.currentTimeMillis();
      fill(queue.main(), phase, POOL_LATENCY_EVENTS, POOL_THROUGHPUT_EVENTS, runs.command());
      await(Duration.ofMinutes(3), () -> runs.starts(phase).size() >= total);
      long last = runs.starts(phase).values().stream().mapToLong(Long::longValue).max().orElse(start);
      rate = POOL_THROUGHPUT_EVENTS / Math.max(0.001, (last - start) / 1000.0);
      await(Duration.ofMinutes(2), () -> sqs.approximateCount(queue.main()) == 0);
    }
    latencies.sort(null);
    int lost = total - runs.starts(phase).size();
    return new PathFigures(rate, percentile(latencies, 50), percentile(latencies, 90), lost, runs.duplicates(phase),
        runs.stale());
  }

  /** Thousands of machines alive at once, all awaited by one worker. */
  private void scale() throws Exception {
    out.printf("%n== scale: %d machines asked for at once (sleep %d s each), one worker%n", SCALE_MACHINES, SCALE_SLEEP_SECONDS);
    EmbeddedSqs.Queues queue = sqs.createQueues("scale", 300);
    fill(queue.main(), "scale", SCALE_MACHINES, List.of("sleep", Integer.toString(SCALE_SLEEP_SECONDS)));
    ObjectNode node = summary.putObject("scale").put("machines_requested", SCALE_MACHINES);
    try (Phase lambdo = new Phase(null, UNPACED, Map.of())) {
      lambdo.awaitWorker();
      PeakSampler sampler = new PeakSampler(fly);
      long start = System.nanoTime();
      lambdo.startPoller(queue, Map.of("LAMBDO_EVENTS_PER_MACHINE", "1",
          "LAMBDO_MAX_CONCURRENT_MACHINES", Integer.toString(SCALE_MACHINES),
          "LAMBDO_SQS_VISIBILITY_SECONDS", "300"));
      long deadline = System.nanoTime() + Duration.ofSeconds(SCALE_SLEEP_SECONDS).toNanos();
      while (fly.machinesAlive() - sampler.before < SCALE_MACHINES && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      double toPeak = (System.nanoTime() - start) / 1e9;
      int heap = (int) lambdo.worker.heapMbAfterGc();
      int threads = lambdo.worker.osThreads();
      int peakNow = fly.machinesAlive() - sampler.before;
      int peak = sampler.stop();
      node.put("machines_alive_peak", peak).put("seconds_to_peak", round(toPeak))
          .put("worker_heap_mb_after_gc", heap).put("worker_os_threads", threads);
      out.printf("%d machines alive after %.1f s (peak %d); worker: %d MB heap after GC, %d OS threads%n",
          peakNow, toPeak, peak, heap, threads);
      // The stack is thrown away next: its machines are killed with the emulator. Draining two
      // thousand batches would take minutes on two cores and is what the drain phase measures.
    }
  }

  /**
   * A poller in this JVM, once asked for, feeding a worker process that paces creates as given.
   * Workers are kept for the whole bench, one per pacing: a fresh JVM spends its first seconds
   * compiling, which no phase should measure.
   */
  private final class Phase implements AutoCloseable {
    final WorkerProcess worker;
    private final Map<String, String> env = new HashMap<>();
    private Poller poller;
    private Thread pollerThread;

    Phase(EmbeddedSqs.Queues queue, double createsPerSecond, Map<String, String> pollerEnv) throws Exception {
      this(createsPerSecond == UNPACED ? "unpaced" : "paced", queue, createsPerSecond, Map.of(), pollerEnv);
    }

    /** @param name the worker's: one process per name for the whole bench */
    Phase(String name, EmbeddedSqs.Queues queue, double createsPerSecond, Map<String, String> workerEnv,
        Map<String, String> pollerEnv) throws Exception {
      env.put("TEMPORAL_ADDRESS", temporal.address());
      env.put("LAMBDO_TASK_QUEUE", "bench-" + name);
      env.putAll(fly.workerSettings(APP));
      env.put("LAMBDO_LOG_GRACE_SECONDS", "1");
      env.put("LAMBDO_HEALTH_PORT", "0");
      env.put("LAMBDO_SQS_LONG_POLL_SECONDS", "10");
      // As the pollers in this JVM and the baseline reach it, without the browser guard's hop.
      env.put("AWS_ENDPOINT_URL_SQS", sqs.directEndpoint());
      env.put("AWS_REGION", EmbeddedSqs.REGION);
      env.put("AWS_ACCESS_KEY_ID", "local");
      env.put("AWS_SECRET_ACCESS_KEY", "local");
      env.put("LAMBDO_FLY_CREATES_PER_SECOND", Double.toString(createsPerSecond));
      env.putAll(workerEnv);
      WorkerProcess existing = workers.get(name);
      if (existing == null) {
        existing = new WorkerProcess(env, dir.resolve("worker-" + name + ".log"));
        workers.put(name, existing);
      }
      worker = existing;
      if (queue != null) {
        awaitWorker();
        startPoller(queue, pollerEnv);
      }
    }

    /** The worker is up once it polls its task queue. */
    void awaitWorker() throws InterruptedException {
      String taskQueue = env.get("LAMBDO_TASK_QUEUE");
      await(Duration.ofSeconds(60), () -> temporal.client().getWorkflowServiceStubs().blockingStub()
          .describeTaskQueue(io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest.newBuilder()
              .setNamespace("default")
              .setTaskQueue(io.temporal.api.taskqueue.v1.TaskQueue.newBuilder().setName(taskQueue).build())
              .build())
          .getPollersCount() > 0);
    }

    void startPoller(EmbeddedSqs.Queues queue, Map<String, String> pollerEnv) {
      Map<String, String> settings = new HashMap<>(env);
      settings.put("LAMBDO_SQS_QUEUE_URL", queue.main());
      settings.put("LAMBDO_DLQ_URL", queue.dlq());
      settings.putAll(pollerEnv);
      // Nothing scrapes the bench's pollers: an empty composite registry meters nothing.
      poller = Pollers.create(temporal.client(), PollerConfig.fromEnv(settings), new SqsQueue(sqs.client()),
          new io.micrometer.core.instrument.composite.CompositeMeterRegistry());
      pollerThread = Thread.ofPlatform().name("poller").daemon().start(poller);
    }

    /** Stops the poller, if one runs, after its round in hand; the worker goes on. */
    void stopPoller() {
      if (poller != null) {
        poller.stop();
        join(pollerThread);
        poller = null;
      }
    }

    @Override
    public void close() {
      stopPoller();
    }
  }

  /** The baseline loop on its own thread. */
  private final class Baseline implements AutoCloseable {
    private final BaselineLoop loop;
    private Thread thread;

    Baseline(String queueUrl, int eventsPerMachine) {
      FlyClient client = new FlyClient(FlyClient.defaultHttpClient(), HttpUrl.get(fly.url()), HttpUrl.get(fly.url()),
          new Secret(TOKEN), APP);
      loop = new BaselineLoop(new SqsQueue(sqs.client()), queueUrl, client, eventsPerMachine);
      start();
    }

    void start() {
      if (thread == null) {
        thread = Thread.ofPlatform().name("baseline").daemon().start(loop);
      }
    }

    @Override
    public void close() {
      loop.stop();
      join(thread);
    }
  }

  /** The most machines alive at once while it runs. */
  private static final class PeakSampler {
    private final AtomicInteger peak = new AtomicInteger();
    /** When the sampled count first reached {@code mark}, in {@link System#nanoTime()}; 0 until then. */
    private final AtomicLong reached = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;
    /** Machines alive before the phase: an earlier phase's warm pool stays alive. */
    final int before;

    PeakSampler(FlyEmulator fly) {
      this(fly, Integer.MAX_VALUE);
    }

    /** @param mark a count whose first reaching {@link #reachedAt} tells */
    PeakSampler(FlyEmulator fly, int mark) {
      before = fly.machinesAlive();
      thread = Thread.ofPlatform().daemon().start(() -> {
        while (!stopping) {
          int alive = peak.accumulateAndGet(fly.machinesAlive() - before, Math::max);
          if (alive >= mark) {
            reached.compareAndSet(0, System.nanoTime());
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
    }

    int stop() throws InterruptedException {
      stopping = true;
      thread.join();
      return peak.get();
    }

    OptionalLong reachedAt() {
      long at = reached.get();
      return at == 0 ? OptionalLong.empty() : OptionalLong.of(at);
    }
  }

  private String send(String queueUrl, String phase, int n, List<String> command, int retries) {
    return sqs.client().sendMessage(r -> r.queueUrl(queueUrl).messageBody(body(phase, n))
        .messageAttributes(attributes(command, retries))).messageId();
  }

  /** Queues {@code count} events, ten to a call. */
  private void fill(String queueUrl, String phase, int count, List<String> command) {
    fill(queueUrl, phase, 0, count, command);
  }

  /** Events {@code first} … {@code first + count - 1} of {@code phase}. */
  private void fill(String queueUrl, String phase, int first, int count, List<String> command) {
    for (int from = first; from < first + count; from += 10) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int n = from; n < Math.min(first + count, from + 10); n++) {
        entries.add(SendMessageBatchRequestEntry.builder().id("e" + n).messageBody(body(phase, n))
            .messageAttributes(attributes(command, 2)).build());
      }
      sqs.client().sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
    }
  }

  private static String body(String phase, int n) {
    return "{\"phase\":\"" + phase + "\",\"n\":" + n + "}";
  }

  private static Map<String, MessageAttributeValue> attributes(List<String> command, int retries) {
    String json = "[" + String.join(",", command.stream().map(a -> "\"" + a + "\"").toList()) + "]";
    return Map.of(
        "image", string("bench:1"), "size", string("shared-cpu-1x"),
        "command", string(json), "retries", string(Integer.toString(retries)));
  }

  private static MessageAttributeValue string(String value) {
    return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
  }

  private List<String> newMachines(List<String> before) {
    Set<String> old = new HashSet<>(before);
    return fly.machineIds().stream().filter(id -> !old.contains(id)).toList();
  }

  private boolean noMachineRunning() {
    for (String id : fly.machineIds()) {
      String state = fly.state(id);
      if (state.equals("created") || state.equals("starting") || state.equals("started") || state.equals("stopping")) {
        return false;
      }
    }
    return true;
  }

  private String awaitNewStartedMachine(Set<String> before) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (String id : fly.machineIds()) {
        if (!before.contains(id) && fly.startedAtMillis(id).isPresent()) {
          return id;
        }
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("no machine started within 60 s");
  }

  private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the bench waited " + timeout.toSeconds() + " s in vain");
      }
      Thread.sleep(20);
    }
  }

  private static void join(Thread thread) {
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long percentile(List<Long> sorted, int p) {
    return sorted.get(Math.max(0, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }
}

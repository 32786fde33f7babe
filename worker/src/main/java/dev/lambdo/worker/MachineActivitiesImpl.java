package dev.lambdo.worker;

import dev.lambdo.metrics.MachineMetrics;
import dev.lambdo.workflow.BatchMachineConfig;
import dev.lambdo.event.Batch;
import dev.lambdo.fly.CreateMachineRequest;
import dev.lambdo.fly.ExitEvent;
import dev.lambdo.fly.FlyApiException;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.LogLine;
import dev.lambdo.fly.LogPage;
import dev.lambdo.fly.Machine;
import dev.lambdo.fly.MachineConfig;
import dev.lambdo.fly.MachineEvent;
import dev.lambdo.pool.MachineLeases;
import dev.lambdo.pool.PoolBusyException;
import dev.lambdo.workflow.AttemptRequest;
import dev.lambdo.workflow.AwaitExitRequest;
import dev.lambdo.workflow.ExitStatus;
import dev.lambdo.workflow.LogTail;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MachineMetadata;
import dev.lambdo.workflow.MachineRef;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityExecutionContext;
import io.temporal.failure.ApplicationFailure;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The machine steps of a batch, against the Fly Machines API. */
public final class MachineActivitiesImpl implements MachineActivities {
  public static final String EVENTS_PATH = BatchMachineConfig.EVENTS_PATH;
  /** Fly's init writes this when the machine's main process ends: no log line comes after it. */
  static final String INIT_EXIT_LINE = "Main child exited";

  static final String PACED = "FlyCreatePaced";
  /** A create whose name is taken by a machine not listed yet: retryable, the next try looks first. */
  static final String NAME_TAKEN = "FlyNameTakenUnlisted";
  /** The log field naming the machine a line is about, beside the SDK's WorkflowId and ActivityType. */
  static final String MDC_MACHINE = "MachineId";
  /** The longest a create waits for its turn; below its 2-minute start-to-close timeout. */
  static final Duration MAX_PACED_WAIT = Duration.ofSeconds(60);

  private static final Logger log = LoggerFactory.getLogger(MachineActivitiesImpl.class);

  private final FlyClient fly;
  /** Guards the destroy of a pooled machine against a claim or give-back racing it. */
  private final MachineLeases leases;
  private final Timing timing;
  private final String defaultRegion;
  private final Clock clock;
  private final CreatePacer pacer;
  private final BatchLookup inputs;
  private final MachineMetrics metrics;

  /**
   * @param poll longest single wait call; heartbeats come at least this often
   * @param logGrace how long to wait for the init's exit line in the logs
   * @param rateLimitedFor how long one create activity keeps resending after 429s before it
   *     lets Temporal retry it; below the create's start-to-close timeout (2 minutes)
   */
  public record Timing(Duration poll, Duration logGrace, int logTailLines, int logTailBytes, Duration rateLimitedFor) {
    public static Timing defaults(Duration logGrace) {
      // Half the workflow's heartbeat timeout (30 s), so one slow wait call cannot miss it.
      return new Timing(Duration.ofSeconds(15), logGrace, 200, 64 * 1024, Duration.ofSeconds(90));
    }
  }

  /**
   * @param inputs where a create finds its batch
   * @param createsPerSecond this worker's creates are spaced evenly at this rate; 0 for none
   */
  public MachineActivitiesImpl(FlyClient fly, Timing timing, String defaultRegion, Clock clock, BatchLookup inputs,
      double createsPerSecond, MachineMetrics metrics) {
    this.inputs = inputs;
    this.metrics = metrics;
    this.pacer = new CreatePacer(createsPerSecond);
    this.fly = fly;
    this.leases = new MachineLeases(fly);
    this.timing = timing;
    this.defaultRegion = defaultRegion;
    this.clock = clock;
  }

  @Override
  public MachineRef createAttemptMachine(AttemptRequest request) {
    var info = Activity.getExecutionContext().getInfo();
    Batch batch = inputs.batchOf(info.getWorkflowId(), info.getWorkflowRunId());
    return create(request.messageIds() == null ? batch : batch.only(request.messageIds()), request.attempt(),
        request.pool(), request.lookFirst());
  }

  @Override
  public MachineRef createMachine(Batch batch, int attempt) {
    return create(batch, attempt, null, false);
  }

  /**
   * @param pool the warm pool the machine joins, to go back to it after the attempt; null for none
   * @param lookFirst look for the attempt's machine before making one even on the first try
   */
  private MachineRef create(Batch batch, int attempt, String pool, boolean lookFirst) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    String workflowId = context.getInfo().getWorkflowId();
    Map<String, String> metadata = BatchMachineConfig.lookup(workflowId, attempt);
    // Messages received before may have had this attempt's machine made for them by a poller whose
    // start then failed (FirstMachines): where Fly lets a name be taken twice, only a look finds it.
    if (lookFirst || context.getInfo().getAttempt() > 1 || attempt == 1 && !batch.firstReceive()) {
      // An earlier try may have created the machine before its answer was lost. The first try of
      // a first receive skips the look-up: Fly counts List against the same per-app budget as Create.
      Optional<MachineRef> earlier = existing(metadata, pool);
      if (earlier.isPresent()) {
        log.info("{} attempt {}: reusing machine {} from an earlier try", workflowId, attempt, earlier.get().id());
        // The try that made it lost its answer before it could count the events' wait.
        metrics.firstMachine(batch, attempt, now());
        return earlier.get();
      }
    }
    MachineConfig config = BatchMachineConfig.of(batch, workflowId, attempt,
        BatchMachineConfig.labels(workflowId, attempt, context.getInfo().getNamespace(), pool));
    List<String> regions = BatchMachineConfig.regions(batch.spec(), defaultRegion);
    FlyApiException capacity = null;
    for (String region : regions) {
      try {
        Machine machine = createPaced(context, new CreateMachineRequest(
            // A pooled machine outlives this batch: a name of the batch's would be taken for its next run.
            pool == null ? BatchMachineConfig.name(workflowId, attempt) : null, region, config));
        log.info("{} attempt {}: created machine {} in {}", workflowId, attempt, machine.id(), machine.region());
        metrics.firstMachine(batch, attempt, now());
        return ref(machine, pool);
      } catch (FlyApiException e) {
        if (e.isNameTaken()) {
          Optional<MachineRef> earlier = existing(metadata, pool);
          if (earlier.isPresent()) {
            // A create run again after its answer or its workflow task was lost (a local create).
            log.info("{} attempt {}: reusing machine {} from an earlier try (its name was taken)",
                workflowId, attempt, earlier.get().id());
            metrics.firstMachine(batch, attempt, now());
            return earlier.get();
          }
          // Taken by a machine Fly does not list yet: the next try looks first, and finds it.
          throw ApplicationFailure.newFailureWithCause("machine name " + BatchMachineConfig.name(workflowId, attempt)
              + " is taken but no machine of this attempt is listed yet", NAME_TAKEN, e);
        }
        if (!e.isCapacity()) {
          throw FlyFailures.translate(e);
        }
        log.warn("{}: no capacity in {}: {}", workflowId, region == null ? "any region" : region, e.error());
        capacity = e;
      }
    }
    throw ApplicationFailure.newFailureWithCause(
        "no capacity in " + (regions.contains(null) ? "any region" : String.join(",", regions)),
        "FlyCapacity", capacity);
  }

  /**
   * Sends the create again after each 429, as long as {@link Timing#rateLimitedFor} allows,
   * waiting what Fly asks: a 429 is Fly pacing the app, not a failed try, so it must not spend
   * the activity's attempts.
   */
  private Machine createPaced(ActivityExecutionContext context, CreateMachineRequest request) {
    long giveUp = now() + timing.rateLimitedFor().toMillis();
    int limited = 0;
    while (true) {
      Duration left = Duration.ofMillis(Math.max(0, giveUp - now()));
      if (!pacer.awaitTurn(left.compareTo(MAX_PACED_WAIT) < 0 ? left : MAX_PACED_WAIT)) {
        // More creates wait in this worker than its pace clears before this one's timeout:
        // let Temporal hand it out again later (create retries are bounded by time, not count).
        throw ApplicationFailure.newFailureWithCauseAndDelay("this worker's creates are paced and "
            + MAX_PACED_WAIT.toSeconds() + " s behind", PACED, null, MAX_PACED_WAIT);
      }
      try {
        long asked = System.nanoTime();
        Machine machine = fly.create(request);
        metrics.created(Duration.ofNanos(System.nanoTime() - asked));
        return machine;
      } catch (FlyApiException e) {
        if (!e.isRateLimited() || now() >= giveUp) {
          throw e;
        }
        limited++;
        context.heartbeat(limited);
        sleep(e.retryAfter().filter(d -> !d.isNegative() && !d.isZero()).orElse(Duration.ofSeconds(1)));
      }
    }
  }

  private Optional<MachineRef> existing(Map<String, String> metadata, String pool) {
    try {
      return fly.listByMetadata(metadata).stream().filter(m -> !m.isGone()).findFirst().map(m -> found(m, pool));
    } catch (FlyApiException e) {
      throw FlyFailures.translate(e);
    }
  }

  @Override
  public ExitStatus awaitExit(AwaitExitRequest request) {
    return aboutMachine(request.machine().id(), () -> awaitExitOf(request));
  }

  private ExitStatus awaitExitOf(AwaitExitRequest request) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    return metrics.watching(() -> awaitExit(context, request));
  }

  private ExitStatus awaitExit(ActivityExecutionContext context, AwaitExitRequest request) {
    String id = request.machine().id();
    String version = request.machine().instanceId();
    AwaitProgress progress = context.getHeartbeatDetails(AwaitProgress.class)
        .orElse(new AwaitProgress(request.deadlineEpochMs() > 0 ? request.deadlineEpochMs()
            : now() + request.timeoutSeconds() * 1000L, "started", 0));
    long deadline = progress.deadlineEpochMs();
    int transientErrors = 0;
    while (true) {
      long remaining = deadline - now();
      if (remaining <= 0) {
        return stopForTimeout(id, version);
      }
      try {
        Duration wait = Duration.ofMillis(Math.min(remaining, timing.poll().toMillis()));
        // This run's version: a pooled machine is stopped from its last batch until this one boots.
        if (fly.waitFor(id, "stopped", wait, version).isPresent()) {
          return exitOf(id, false);
        }
        transientErrors = 0;
      } catch (FlyApiException e) {
        if (!e.isRetryable() && isGone(id, version, e)) {
          log.warn("machine {} vanished before it exited: {}", id, e.getMessage());
          return ExitStatus.VANISHED;
        }
        if (!e.isRetryable() || ++transientErrors > 10) {
          throw FlyFailures.translate(e);
        }
        log.warn("waiting for {}: {} (retrying)", id, e.getMessage());
        sleep(Duration.ofMillis(Math.min(10_000, 500L << Math.min(transientErrors, 5))));
      }
      // Throws when the workflow was cancelled: the workflow then destroys the machine.
      context.heartbeat(new AwaitProgress(deadline, "started", progress.polls() + 1));
      progress = new AwaitProgress(deadline, "started", progress.polls() + 1);
    }
  }

  /**
   * Whether a refused wait means the machine is gone: 404 (Fly no longer knows it — a lost host,
   * or the emulator restarted), or a machine destroyed by someone else, which Fly answers with a
   * 400 naming the state it reached (docs/fly-machines-api.md, wait). A machine updated by someone
   * else since is gone for this batch too: its next stop is another run's.
   *
   * @param version the version the batch's run has; null when not known
   */
  private boolean isGone(String id, String version, FlyApiException refused) {
    if (refused.isNotFound()) {
      return true;
    }
    try {
      Machine now = fly.get(id);
      return now.isGone() || (version != null && !version.equals(now.instanceId()));
    } catch (FlyApiException e) {
      return e.isNotFound();
    }
  }

  /**
   * SIGTERM with a grace period, then SIGKILL if the machine is still up; unless the machine has
   * moved on from the batch's version (a pooled machine given back by a later try of this await
   * and taken by another batch): its run is not this batch's to stop.
   */
  private ExitStatus stopForTimeout(String id, String version) {
    try {
      if (version != null && !version.equals(fly.get(id).instanceId())) {
        log.warn("machine {} passed the batch's timeout but has moved on from version {}: left alone", id, version);
        return ExitStatus.VANISHED;
      }
    } catch (FlyApiException e) {
      if (e.isNotFound()) {
        return ExitStatus.VANISHED;
      }
      throw FlyFailures.translate(e);
    }
    log.info("machine {} passed its timeout: stopping it", id);
    try {
      fly.stop(id, "SIGTERM", Duration.ofSeconds(10));
      if (fly.waitFor(id, "stopped", Duration.ofSeconds(15)).isEmpty()) {
        fly.signal(id, "SIGKILL");
        fly.waitFor(id, "stopped", Duration.ofSeconds(30));
      }
    } catch (FlyApiException e) {
      throw FlyFailures.translate(e);
    }
    return exitOf(id, true);
  }

  /** Reads the newest exit event; events come newest first. */
  private ExitStatus exitOf(String id, boolean timedOut) {
    List<MachineEvent> events;
    try {
      events = fly.events(id);
    } catch (FlyApiException e) {
      if (e.isNotFound()) {
        // Destroyed between its stop and this read: how it ended is lost with it.
        return ExitStatus.VANISHED;
      }
      throw FlyFailures.translate(e);
    }
    for (MachineEvent event : events) {
      Optional<ExitEvent> exit = event.exitEvent();
      if (exit.isPresent()) {
        ExitEvent e = exit.get();
        int signal = e.signal() > 0 ? e.signal() : e.guestSignal();
        return new ExitStatus(e.exitCode(), timedOut ? -1 : signal, e.oomKilled(), timedOut);
      }
    }
    // Stopped with no exit event: nothing says it succeeded.
    return new ExitStatus(-1, -1, false, timedOut);
  }

  @Override
  public LogTail fetchLogs(MachineRef machine) {
    return aboutMachine(machine.id(), () -> logsOf(machine));
  }

  private LogTail logsOf(MachineRef machine) {
    ActivityExecutionContext context = Activity.getExecutionContext();
    long deadline = now() + timing.logGrace().toMillis();
    LogBuffer tail = new LogBuffer(timing.logTailLines(), timing.logTailBytes());
    // A pooled machine's logs hold earlier batches' runs too: only those after this boot count.
    String token = machine.bootedAtMs() > 0 ? Long.toString(machine.bootedAtMs() * 1_000_000L) : null;
    long pause = 128;
    while (true) {
      LogPage page;
      try {
        page = fly.logs(machine.id(), token);
      } catch (FlyApiException e) {
        throw FlyFailures.translate(e);
      }
      for (LogLine line : page.lines()) {
        tail.add(line.message());
      }
      if (page.nextToken() != null && !page.nextToken().isEmpty()) {
        token = page.nextToken();
      }
      if (tail.sawInitExit() || now() >= deadline) {
        LogTail result = tail.toLogTail();
        log.info("machine {} output ({} lines{}):\n{}", machine.id(), result.lines().size(),
            result.complete() ? "" : ", exit line not seen", result.text());
        return result;
      }
      context.heartbeat(tail.size());
      pause = page.lines().isEmpty() ? Math.min(pause * 2, 2000) : 128;
      sleep(Duration.ofMillis(Math.min(pause, Math.max(1, deadline - now()))));
    }
  }

  @Override
  public void destroyMachine(MachineRef machine) {
    aboutMachine(machine.id(), () -> {
      try {
        if (machine.pool() != null && machine.instanceId() != null) {
          destroyPooled(machine);
        } else if (!fly.destroy(machine.id())) {
          log.info("machine {} was already gone", machine.id());
        }
      } catch (PoolBusyException e) {
        throw e.retryLater();
      } catch (FlyApiException e) {
        throw FlyFailures.translate(e);
      }
      return null;
    });
  }

  /**
   * A pooled machine is destroyed only while it still has this batch's run: one at another version
   * was given back (by an earlier try whose answer was lost) and may be another batch's by now.
   */
  private void destroyPooled(MachineRef machine) {
    String holder = Activity.getExecutionContext().getInfo().getWorkflowId() + " destroy";
    if (!leases.destroyOwn(machine.id(), machine.instanceId(), holder)) {
      log.info("machine {} has moved on from version {} or is gone: left alone", machine.id(), machine.instanceId());
    }
  }

  /** Runs {@code work} with the machine's id as a field of every log line it writes. */
  private static <T> T aboutMachine(String machineId, java.util.function.Supplier<T> work) {
    MDC.put(MDC_MACHINE, machineId);
    try {
      return work.get();
    } finally {
      MDC.remove(MDC_MACHINE);
    }
  }

  /**
   * A machine an earlier try made, or a claim took from a warm pool: such a machine goes back to
   * its pool after the attempt, and its logs before the claim's boot are earlier batches'.
   */
  private static MachineRef found(Machine m, String pool) {
    String claimedFrom = m.metadata().get(MachineMetadata.POOL);
    if (claimedFrom == null) {
      return ref(m, pool);
    }
    return new MachineRef(m.id(), m.name(), m.region(), m.instanceId(), claimedFrom,
        MachineMetadata.bootedAtMs(m.metadata()));
  }

  private static MachineRef ref(Machine m, String pool) {
    return new MachineRef(m.id(), m.name(), m.region(), m.instanceId(), pool, 0);
  }

  private long now() {
    return clock.millis();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}

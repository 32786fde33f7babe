package dev.lambdo.worker;

import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.pool.Pools;
import dev.lambdo.sqs.Receipt;
import dev.lambdo.workflow.AttemptOutcome;
import dev.lambdo.workflow.AttemptRequest;
import dev.lambdo.workflow.AwaitExitRequest;
import dev.lambdo.workflow.BatchProgress;
import dev.lambdo.workflow.BatchResult;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.EventReport;
import dev.lambdo.workflow.ExitStatus;
import dev.lambdo.workflow.FirstCreate;
import dev.lambdo.workflow.LambdoSearchAttributes;
import dev.lambdo.workflow.LogTail;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MachineRef;
import dev.lambdo.workflow.MachineSlots;
import dev.lambdo.workflow.MessageActivities;
import dev.lambdo.workflow.PoolActivities;
import dev.lambdo.workflow.PoolClaim;
import dev.lambdo.workflow.SettleResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.CompletablePromise;
import io.temporal.workflow.ContinueAsNewOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.TimerOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Create → await exit → fetch logs → destroy (always) per attempt, on a fresh machine each time,
 * then ack or release the messages. A batch whose last attempt failed ends Failed, carrying its
 * {@link BatchResult}: the failed workflow is the durable record.
 *
 * <p>While any step that can take long runs (waiting for a machine slot, creating the machine
 * through retries, the machine itself, fetching its logs, the pause between attempts) the
 * workflow keeps the messages hidden in SQS, always with the newest receipt handles it was
 * signalled.
 */
public final class BatchWorkflowImpl implements BatchWorkflow {
  static final String FAILURE_TYPE = "MachineFailed";
  /** Version 1: messages are also kept hidden while the machine is created and its logs fetched. */
  static final String HIDDEN_THROUGHOUT = "keep-hidden-during-create-and-logs";
  /**
   * Version 1: creates run on their own task queue, which the server paces across all workers to
   * Fly's create rate, and retryable Fly errors keep the batch waiting for {@link
   * #FLY_OUTAGE_PATIENCE} rather than a count of attempts.
   */
  static final String PACED_CREATES = "creates-on-paced-queue";
  /**
   * Version 1: renewals hide the messages for at least {@link #SHORTEST_HIDE} each, and the
   * workflow continues as new while it awaits a machine once its history passes {@link
   * #CONTINUE_AFTER_EVENTS}: a machine may run for days at any visibility timeout.
   */
  static final String BOUNDED_HISTORY = "bounded-history";
  /**
   * Version 1: a machine that vanished before it was seen to exit (destroyed by a run before a
   * reset, an operator, a lost host) is replaced at once, without spending a retry, up to {@link
   * #MAX_REPLACED} times: nothing is known of how its events fared, so they get a fair run.
   */
  static final String REPLACE_VANISHED = "replace-vanished-machines";
  /**
   * Version 1: creates read the batch from the run's input ({@link
   * MachineActivities#createAttemptMachine}) instead of carrying it: the events, which may take
   * up to 2 MiB, are in history once per run rather than once more per attempt.
   */
  static final String EVENTS_ONCE = "events-once-per-run";
  /**
   * Version 1: when a machine's runtime reports that only some of its events failed ({@link
   * EventReport}), those that succeeded are not run again: the next attempt runs the failed ones,
   * and with {@code release} only those are released. As Lambda's ReportBatchItemFailures.
   */
  static final String PARTIAL_FAILURES = "partial-batch-failures";
  /**
   * Version 1: the first renewal comes a third of the visibility timeout after the start, as the
   * receive hid the messages for only that long (with {@link #BOUNDED_HISTORY} alone it came
   * after a third of {@link #SHORTEST_HIDE}, so below 200 s of visibility SQS showed the messages
   * again mid-run, and with a low maxReceiveCount dead-lettered them); the timers between
   * renewals and before a retry carry a summary the Web UI shows, and a renewal timer is
   * cancelled when what it waited beside ends first.
   */
  static final String RENEWAL_TIMERS = "renewal-timers";
  /**
   * Version 1: whether this run's creates go through the paced create queue is the worker's
   * setting ({@link CreateRoute}), recorded once per run: an unpaced worker schedules them on the
   * batch's own queue, where the server dispatches them eagerly.
   */
  static final String CREATE_ROUTE = "create-route";
  /**
   * Version 1: a batch whose shape has a warm pool on the worker that starts it (recorded once
   * per run) takes an idle pooled machine for each attempt, or makes one that joins the pool while
   * it has room, and gives the machine back after the attempt instead of destroying it, unless it
   * was OOM-killed, timed out or vanished.
   */
  static final String WARM_POOLS = "warm-pools";
  /**
   * Version 1: after a claim that failed for good, the attempt's create looks for a machine
   * claimed for the attempt before it makes one: the claim may have booted one with the events
   * before its answer was lost. Asked only on that path, so no other path's history changes.
   */
  static final String CLAIMS_LOOKED_UP = "claims-looked-up";
  /**
   * Version 1: on the unpaced route ({@link CreateRoute#UNPACED}), a batch without a warm pool
   * creates its machines inside the workflow task that asks for them (a local activity): no
   * activity task to dispatch, complete and answer with another workflow task. Measured in the
   * bench: one workflow task fewer per attempt on a server that is the stack's busiest process.
   * A create that runs again after its workflow task was lost finds its machine by name. Asked
   * only on that path, so no other path's history changes.
   */
  static final String LOCAL_CREATES = "local-creates";
  /**
   * Version 1: a batch whose poller made its first machine before the start ({@link FirstCreate})
   * runs its first attempt on it, with no claim and no create; one whose create got no answer has
   * the attempt's create look for it first. Measured in the bench: between the message and the
   * machine there is then no start, no dispatch of a workflow task and no create in a worker.
   * Asked only on that path, so no other path's history changes.
   */
  static final String POLLER_MACHINES = "poller-machines";
  /**
   * Version 1: on the path of {@link #LOCAL_CREATES}, the short steps after a machine exits —
   * its logs, its destroy, the ack or release of the messages — run inside the workflow task
   * that asks for them too: a batch then takes two workflow tasks per attempt instead of five,
   * and its place under the machine limit comes back that much sooner. Each is safe to run
   * again when its task is lost. Asked when the first of them runs, on that path only.
   */
  static final String LOCAL_ENDINGS = "local-endings";
  /** Machines that keep vanishing say something is wrong with the app or the region: stop then. */
  static final int MAX_REPLACED = 3;
  /**
   * Nothing gains from showing a running batch's messages again soon: the workflow, not SQS,
   * keeps the batch alive. Longer hides mean fewer renewals in history and fewer receives counted
   * toward the queue's maxReceiveCount while a worker is down.
   */
  static final Duration SHORTEST_HIDE = Duration.ofMinutes(10);
  /** Far below Temporal's 51,200-event limit and its 10,240-event warning. */
  static final int CONTINUE_AFTER_EVENTS = 5_000;
  static final Duration AWAIT_HEARTBEAT = Duration.ofSeconds(30);
  /** An outage or a 429 storm is no verdict on the events: keep them waiting this long. */
  static final Duration FLY_OUTAGE_PATIENCE = Duration.ofHours(6);

  private static final RetryOptions FLY_RETRY =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(1))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(20)
          .build();
  private static final ActivityOptions CREATE =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setRetryOptions(FLY_RETRY)
          .build();
  /** Retries until Fly answers or the patience runs out; a 4xx is non-retryable and ends it at once. */
  private static final ActivityOptions PATIENT_CREATE =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(2))
          .setScheduleToCloseTimeout(FLY_OUTAGE_PATIENCE)
          .setRetryOptions(FLY_RETRY.toBuilder().setMaximumAttempts(0).build())
          .build();
  /**
   * Tries of a local step (1 s and 2 s apart) before it goes on as an ordinary activity: past
   * the SDK's local retry threshold every further try would add a marker, a timer and a workflow
   * task to the history for as long as Fly or SQS is down; an activity's retries add nothing.
   */
  static final int LOCAL_TRIES = 3;
  private static final LocalActivityOptions LOCAL_CREATE = local(PATIENT_CREATE.getStartToCloseTimeout(), LOCAL_TRIES);
  /** LOGS' tries, which end in "logs unavailable" rather than an activity. */
  private static final LocalActivityOptions LOCAL_LOGS = local(Duration.ofMinutes(3), 3);
  private static final LocalActivityOptions LOCAL_DESTROY = local(Duration.ofMinutes(1), LOCAL_TRIES);
  private static final LocalActivityOptions LOCAL_SETTLE = local(Duration.ofMinutes(1), LOCAL_TRIES);

  private static LocalActivityOptions local(Duration startToClose, int maximumAttempts) {
    return LocalActivityOptions.newBuilder().setStartToCloseTimeout(startToClose)
        .setRetryOptions(FLY_RETRY.toBuilder().setMaximumAttempts(maximumAttempts).build()).build();
  }

  private static final ActivityOptions LOGS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(3))
          .setHeartbeatTimeout(Duration.ofSeconds(90))
          .setRetryOptions(FLY_RETRY.toBuilder().setMaximumAttempts(3).build())
          .build();
  /** Cleanup must not give up: a machine left behind costs money. */
  private static final ActivityOptions DESTROY =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(FLY_RETRY.toBuilder().setMaximumAttempts(0).build())
          .build();
  /** A claim that cannot be had falls back to a create: patience here would only delay the batch. */
  private static final ActivityOptions CLAIM =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(FLY_RETRY.toBuilder().setMaximumAttempts(5).build())
          .build();
  private static final ActivityOptions SETTLE =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(FLY_RETRY.toBuilder().setMaximumAttempts(0).build())
          .build();

  /** A renewal that cannot get through soon is moot: the next period sends another. */
  private final MessageActivities renewals = Workflow.newActivityStub(MessageActivities.class,
      SETTLE.toBuilder().setSummary("keep messages hidden")
          .setRetryOptions(FLY_RETRY.toBuilder().setMaximumAttempts(3).build()).build());
  private final CompletablePromise<Void> slot = Workflow.newPromise();
  private boolean hiddenThroughout;
  private boolean pacedCreates;
  private boolean boundedHistory;
  private boolean replaceVanished;
  private boolean eventsOnce;
  private boolean partialFailures;
  private boolean renewalTimers;
  /** The worker's setting; what a run uses is recorded in its history, so this only counts when it starts. */
  private final CreateRoute route;
  /** Where this worker's creates find the run's input; null where nothing creates (replays). */
  private final RunInputs inputs;
  private CreateRoute runRoute = CreateRoute.PACED;
  /** The worker's pools; what a run uses is recorded in its history, as the route. */
  private final Pools pools;
  /** The key of the warm pool this run's machines come from; null for none. */
  private String runPool;
  private boolean warmPools;
  /** Whether this run's steps after a machine exits run locally; null until first asked. */
  private Boolean localEndings;
  /** Whether this run has renewed the messages' invisibility yet. */
  private boolean renewed;
  /** Set when this run hands its machine to the next one: nothing may destroy it then. */
  private boolean continuing;
  /** Message id → newest receipt handle; SQS only deletes with the newest. */
  private final Map<String, String> receipts = new LinkedHashMap<>();

  /** As a worker that paces creates runs it; also how older histories replay. */
  public BatchWorkflowImpl() {
    this(CreateRoute.PACED, null, Pools.NONE);
  }

  public BatchWorkflowImpl(CreateRoute route, RunInputs inputs, Pools pools) {
    this.route = route;
    this.inputs = inputs;
    this.pools = pools;
  }

  @Override
  public void redelivered(List<Receipt> redelivered) {
    redelivered.forEach(r -> receipts.put(r.messageId(), r.receiptHandle()));
  }

  @Override
  public void slotGranted() {
    slot.complete(null);
  }

  @Override
  public BatchResult run(Batch batch) {
    if (inputs != null) {
      // Not a step of the workflow: this worker's creates read the input from memory, not history.
      inputs.remember(Workflow.getInfo().getRunId(), batch);
    }
    hiddenThroughout = Workflow.getVersion(HIDDEN_THROUGHOUT, Workflow.DEFAULT_VERSION, 1) >= 1;
    pacedCreates = Workflow.getVersion(PACED_CREATES, Workflow.DEFAULT_VERSION, 1) >= 1;
    boundedHistory = Workflow.getVersion(BOUNDED_HISTORY, Workflow.DEFAULT_VERSION, 1) >= 1;
    replaceVanished = Workflow.getVersion(REPLACE_VANISHED, Workflow.DEFAULT_VERSION, 1) >= 1;
    eventsOnce = Workflow.getVersion(EVENTS_ONCE, Workflow.DEFAULT_VERSION, 1) >= 1;
    // Runs only the failed events again, which needs creates that take a subset (events-once).
    partialFailures = eventsOnce && Workflow.getVersion(PARTIAL_FAILURES, Workflow.DEFAULT_VERSION, 1) >= 1;
    renewalTimers = Workflow.getVersion(RENEWAL_TIMERS, Workflow.DEFAULT_VERSION, 1) >= 1;
    if (Workflow.getVersion(CREATE_ROUTE, Workflow.DEFAULT_VERSION, 1) >= 1) {
      runRoute = Workflow.sideEffect(CreateRoute.class, () -> route);
    }
    warmPools = Workflow.getVersion(WARM_POOLS, Workflow.DEFAULT_VERSION, 1) >= 1;
    if (warmPools) {
      runPool = Workflow.sideEffect(String.class, () -> pools.forSpec(batch.spec()).map(p -> p.key()).orElse(null));
    }
    for (QueuedEvent event : batch.events()) {
      receipts.putIfAbsent(event.messageId(), event.receiptHandle());
    }
    try {
      return runAttempts(batch);
    } catch (Continue next) {
      Workflow.continueAsNew(ContinueAsNewOptions.newBuilder()
              .setTypedSearchAttributes(Workflow.getTypedSearchAttributes()).build(),
          batch.continued(receipts, next.progress));
      throw new IllegalStateException("continueAsNew returned");
    }
  }

  private BatchResult runAttempts(Batch batch) {
    MachineSpec spec = batch.spec();
    BatchProgress resumed = batch.progress();
    long start = resumed == null ? Workflow.currentTimeMillis() : resumed.batchStartMs();
    List<AttemptOutcome> history = new ArrayList<>(resumed == null ? List.of() : resumed.outcomes());
    // Events that succeeded in an attempt whose other events failed: no later attempt runs them.
    Set<String> succeeded = new LinkedHashSet<>(resumed == null ? List.of() : resumed.succeeded());
    ExitStatus exit = null;
    LogTail logs = LogTail.EMPTY;
    MachineRef machine = null;
    try {
      acquireSlot(batch);
      for (int attempt = resumed == null ? 1 : resumed.attempt();
          attempt <= spec.retries() + 1 + replacements(history); attempt++) {
        boolean resuming = resumed != null;
        if (attempt > 1 && !resuming && !lastVanished(history)) {
          Duration pause = backoff(attempt);
          whileHidden(batch, renewalTimers
              ? Workflow.newTimer(pause, TimerOptions.newBuilder()
                  .setSummary("pause " + pause.toSeconds() + " s before attempt " + attempt).build())
              : Workflow.newTimer(pause));
        }
        long attemptStart = resuming ? resumed.attemptStartMs() : Workflow.currentTimeMillis();
        List<String> running = batch.messageIds().stream().filter(id -> !succeeded.contains(id)).toList();
        machine = null;
        ExitStatus attemptExit = null;
        try {
          if (resuming) {
            machine = resumed.machine();
          } else {
            AttemptRequest request = new AttemptRequest(attempt, succeeded.isEmpty() ? null : running);
            FirstCreate first = attempt == 1 ? firstCreate(batch) : null;
            if (first != null && first.machine() != null) {
              machine = first.machine();
            } else if (first != null) {
              request = new AttemptRequest(attempt, request.messageIds(), null, true);
            } else if (runPool != null) {
              PoolClaim claim = claim(batch, new AttemptRequest(attempt, request.messageIds(), runPool));
              if (claim == null) {
                request = new AttemptRequest(attempt, request.messageIds(), null, true);
              } else {
                machine = claim.machine();
                if (claim.room()) {
                  request = new AttemptRequest(attempt, request.messageIds(), runPool);
                }
              }
            }
            if (machine == null) {
              String summary = "create machine, attempt " + attempt;
              MachineActivities creating = machines(createOptions(), summary);
              AttemptRequest create = request;
              if (createsLocally()) {
                MachineActivities local = Workflow.newLocalActivityStub(MachineActivities.class,
                    LOCAL_CREATE.toBuilder().setSummary(summary).build());
                machine = orAsActivity(() -> whileHidden(batch, Async.function(local::createAttemptMachine, create)),
                    () -> whileHidden(batch, Async.function(creating::createAttemptMachine, create)));
              } else {
                machine = hiddenIfVersioned(batch, eventsOnce ? Async.function(creating::createAttemptMachine, create)
                    : Async.function(creating::createMachine, batch, attempt));
              }
            }
          }
          Workflow.upsertTypedSearchAttributes(
              LambdoSearchAttributes.MACHINE_ID.valueSet(machine.id()),
              LambdoSearchAttributes.REGION.valueSet(machine.region() == null ? "" : machine.region()));
          long deadline = resuming ? resumed.deadlineEpochMs()
              : boundedHistory ? Workflow.currentTimeMillis() + spec.timeoutSeconds() * 1000L : 0;
          BatchProgress progress = new BatchProgress(attempt, machine, deadline, attemptStart, start, history,
              resuming ? resumed.runs() + 1 : 1, List.copyOf(succeeded));
          resumed = null;
          exit = awaitExit(batch, spec, new AwaitExitRequest(machine, spec.timeoutSeconds(), deadline), progress);
          attemptExit = exit;
          logs = replaceVanished && exit.vanished() ? VANISHED_LOGS : logsOf(batch, machine);
        } finally {
          if (machine != null && !continuing) {
            putAway(machine, attemptExit);
          }
        }
        List<String> failedHere = failedEvents(exit, logs, running);
        history.add(new AttemptOutcome(attempt, machine.id(), machine.region(), exit,
            Workflow.currentTimeMillis() - attemptStart, failedHere));
        Workflow.upsertTypedSearchAttributes(LambdoSearchAttributes.EXIT_CODE.valueSet((long) exit.exitCode()));
        if (exit.succeeded()) {
          succeeded.addAll(running);
          break;
        }
        if (failedHere != null) {
          running.stream().filter(id -> !failedHere.contains(id)).forEach(succeeded::add);
          Workflow.upsertTypedSearchAttributes(LambdoSearchAttributes.FAILED_MESSAGE_IDS.valueSet(failedHere));
        }
      }
    } catch (ActivityFailure | CanceledFailure failure) {
      // Fly refused the machine for good, or someone cancelled: settle the messages, then end.
      ExitStatus last = exit;
      Workflow.newDetachedCancellationScope(() -> {
        SettleResult settled = settle(batch, false, succeeded);
        BatchEnd.log(failure instanceof CanceledFailure ? "cancelled" : "ended: " + rootMessage(failure), last,
            history.size(), Workflow.currentTimeMillis() - start, settled);
      }).run();
      BatchMetrics.failed(failure instanceof CanceledFailure ? "cancelled" : "fly");
      throw failure;
    } finally {
      releaseSlot(batch);
    }
    SettleResult settled = settle(batch, exit.succeeded(), succeeded);
    List<String> failed = batch.messageIds().stream().filter(id -> !succeeded.contains(id)).toList();
    BatchResult result = new BatchResult(spec.image(), machine.id(), exit,
        Workflow.currentTimeMillis() - start, history.size(), history, logs, settled, List.copyOf(succeeded), failed);
    BatchEnd.log(exit.succeeded() ? "succeeded" : "failed", exit, history.size(), result.durationMs(), settled);
    if (exit.succeeded()) {
      BatchMetrics.succeeded();
      return result;
    }
    BatchMetrics.failed(BatchMetrics.reason(exit));
    String events = succeeded.isEmpty() ? "" : "; " + failed.size() + " of " + batch.events().size() + " events failed";
    ApplicationFailure failure = ApplicationFailure.newNonRetryableFailure(
        "batch failed after " + history.size() + " attempt(s): " + exit.describe() + events
            + lastLines(logs), FAILURE_TYPE, result);
    // A machine that failed is the batch's outcome, not a fault in this code: no stack trace.
    failure.setStackTrace(new StackTraceElement[0]);
    throw failure;
  }

  /** The first machine's create the batch's poller sent, if it sent one; null on every older path. */
  private static FirstCreate firstCreate(Batch batch) {
    return batch.firstCreate() != null
        && Workflow.getVersion(POLLER_MACHINES, Workflow.DEFAULT_VERSION, 1) >= 1 ? batch.firstCreate() : null;
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause instanceof ApplicationFailure app ? app.getOriginalMessage() : String.valueOf(cause.getMessage());
  }

  /**
   * The message ids of the events this run's runtime reported failed, when only some did; null
   * when the run was all-or-nothing. Parsed here from the log tail: a change to what counts as a
   * report changes what the workflow does, so it needs a new version.
   */
  private List<String> failedEvents(ExitStatus exit, LogTail logs, List<String> running) {
    if (!partialFailures || exit.succeeded() || exit.vanished() || exit.timedOut() || exit.oomKilled()) {
      return null;
    }
    return EventReport.find(logs.lines(), running.size()).filter(EventReport::partial)
        .map(report -> report.failed().stream().map(running::get).toList())
        .orElse(null);
  }

  private static final LogTail VANISHED_LOGS =
      new LogTail(List.of("(no logs: the machine vanished before it exited)"), false, false);

  /** Attempts that replaced a vanished machine, beyond the spec's retries. */
  private int replacements(List<AttemptOutcome> history) {
    if (!replaceVanished) {
      return 0;
    }
    return (int) Math.min(MAX_REPLACED, history.stream().filter(a -> a.exit().vanished()).count());
  }

  /** A replacement follows at once: the backoff between attempts is for machines that failed. */
  private boolean lastVanished(List<AttemptOutcome> history) {
    return replaceVanished && !history.isEmpty() && history.getLast().exit().vanished();
  }

  /**
   * Waits for the machine, keeping the messages hidden. Once the history is long, hands the
   * machine to a new run of this workflow instead ({@link Continue}): the wait itself is resumable.
   */
  private ExitStatus awaitExit(Batch batch, MachineSpec spec, AwaitExitRequest request, BatchProgress progress) {
    MachineActivities awaiting = machines(awaitOptions(spec), "await exit of " + request.machine().id());
    Promise<ExitStatus> exit = Async.function(awaiting::awaitExit, request);
    while (!awaitUntilRenewal(batch, exit::isCompleted)) {
      keepHidden(batch);
      if (boundedHistory && batch.slots() == null && historyIsLong()) {
        continuing = true;
        throw new Continue(progress);
      }
    }
    return exit.get();
  }

  private static boolean historyIsLong() {
    return Workflow.getInfo().getHistoryLength() > CONTINUE_AFTER_EVENTS
        || Workflow.getInfo().isContinueAsNewSuggested();
  }

  /** Unwinds a run to where it continues as new; thrown only while a machine is awaited. */
  private static final class Continue extends RuntimeException {
    private final transient BatchProgress progress;

    Continue(BatchProgress progress) {
      super(null, null, false, false);
      this.progress = progress;
    }
  }

  /** The machine's log tail; logs that cannot be had do not change how the machine ended. */
  private LogTail logsOf(Batch batch, MachineRef machine) {
    MachineActivities fetching = endsLocally()
        ? Workflow.newLocalActivityStub(MachineActivities.class, LOCAL_LOGS.toBuilder().setSummary("logs of " + machine.id()).build())
        : machines(LOGS, "logs of " + machine.id());
    try {
      return hiddenIfVersioned(batch, Async.function(fetching::fetchLogs, machine));
    } catch (ActivityFailure e) {
      return new LogTail(List.of("(logs unavailable: " + e.getCause().getMessage() + ")"), false, false);
    }
  }

  /**
   * Whether this run's steps after a machine exits run in their workflow task ({@link
   * #LOCAL_ENDINGS}). Asks only its own version: a run continued as new asks this before any
   * create of its own, and a replay must find each version's marker where the code asks for it.
   */
  private boolean endsLocally() {
    if (localEndings == null) {
      localEndings = onLocalRoute() && Workflow.getVersion(LOCAL_ENDINGS, Workflow.DEFAULT_VERSION, 1) >= 1;
    }
    return localEndings;
  }

  /**
   * A local step, and when its {@link #LOCAL_TRIES} are spent on a failure that a retry may cure,
   * the same step as an ordinary activity, whose own retries take over.
   */
  private static <T> T orAsActivity(Supplier<T> local, Supplier<T> activity) {
    try {
      return local.get();
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof CanceledFailure
          || e.getCause() instanceof ApplicationFailure app && app.isNonRetryable()) {
        throw e;
      }
      return activity.get();
    }
  }

  /** Whether this attempt's create runs in its workflow task ({@link #LOCAL_CREATES}). */
  private boolean createsLocally() {
    return onLocalRoute() && Workflow.getVersion(LOCAL_CREATES, Workflow.DEFAULT_VERSION, 1) >= 1;
  }

  /** Where short steps may run locally: creates unpaced, no warm pool, creates reading the run's input. */
  private boolean onLocalRoute() {
    return eventsOnce && runRoute == CreateRoute.UNPACED && runPool == null;
  }

  private ActivityOptions createOptions() {
    if (!pacedCreates) {
      return CREATE;
    }
    if (runRoute == CreateRoute.UNPACED) {
      // The batch's own queue: PATIENT_CREATE's patience still applies to an outage.
      return PATIENT_CREATE;
    }
    String queue = MachineActivities.createQueue(Workflow.getInfo().getTaskQueue());
    return PATIENT_CREATE.toBuilder().setTaskQueue(queue).build();
  }

  /**
   * Legacy: batches started by pollers before the limit moved into the pollers carry the id of
   * a machine slots workflow and wait for its grant. Kept so those batches replay and finish;
   * today's pollers start batches without one, so a batch schedules its create in its first task.
   */
  private void acquireSlot(Batch batch) {
    if (batch.slots() == null) {
      return;
    }
    MachineSlots slots = Workflow.newExternalWorkflowStub(MachineSlots.class, batch.slots());
    String me = Workflow.getInfo().getWorkflowId();
    // Asking again each period is harmless (acquire is idempotent) and reaches a restarted slots workflow.
    while (!slot.isCompleted()) {
      try {
        slots.acquire(me);
      } catch (SignalExternalWorkflowException e) {
        Workflow.getLogger(BatchWorkflowImpl.class)
            .warn("no machine slots workflow {}: running without a limit", batch.slots());
        return;
      }
      if (!Workflow.await(renewalPeriod(batch), slot::isCompleted)) {
        keepHidden(batch);
      }
    }
  }

  private void releaseSlot(Batch batch) {
    if (batch.slots() == null || !slot.isCompleted()) {
      return;
    }
    Workflow.newDetachedCancellationScope(() -> {
      try {
        Workflow.newExternalWorkflowStub(MachineSlots.class, batch.slots())
            .release(Workflow.getInfo().getWorkflowId());
      } catch (SignalExternalWorkflowException gone) {
        // The slots workflow is gone: there is nothing to give back.
      }
    }).run();
  }

  /** Waits for {@code work}, renewing the messages' invisibility every third of its length. */
  private <T> T whileHidden(Batch batch, Promise<T> work) {
    while (!awaitUntilRenewal(batch, work::isCompleted)) {
      keepHidden(batch);
    }
    return work.get();
  }

  /** Batches started before {@link #HIDDEN_THROUGHOUT} replay as they ran: without renewals here. */
  private <T> T hiddenIfVersioned(Batch batch, Promise<T> work) {
    return hiddenThroughout ? whileHidden(batch, work) : work.get();
  }

  /**
   * Waits until {@code done} or the next renewal is due, whichever first; true when done. The
   * renewal timer says what it is in the Web UI and is cancelled when done comes first.
   */
  private boolean awaitUntilRenewal(Batch batch, Supplier<Boolean> done) {
    Duration period = renewalPeriod(batch);
    if (!renewalTimers) {
      return Workflow.await(period, done);
    }
    if (done.get()) {
      return true;
    }
    List<Promise<Void>> timer = new ArrayList<>(1);
    CancellationScope scope = Workflow.newCancellationScope(() -> timer.add(Workflow.newTimer(period,
        TimerOptions.newBuilder().setSummary("renew the messages' invisibility in " + period.toSeconds() + " s").build())));
    scope.run();
    Workflow.await(() -> done.get() || timer.getFirst().isCompleted());
    if (!timer.getFirst().isCompleted()) {
      scope.cancel("done before the renewal");
    }
    return done.get();
  }

  private Duration renewalPeriod(Batch batch) {
    if (renewalTimers && !renewed) {
      // The receive (or the run before this one) hid them for no longer than the visibility timeout.
      return Duration.ofSeconds(Math.max(1, batch.visibilitySeconds() / 3));
    }
    return Duration.ofSeconds(Math.max(1, hideSeconds(batch) / 3));
  }

  /** How long each renewal hides the messages. */
  private int hideSeconds(Batch batch) {
    return boundedHistory ? Math.max(batch.visibilitySeconds(), (int) SHORTEST_HIDE.toSeconds()) : batch.visibilitySeconds();
  }

  private void keepHidden(Batch batch) {
    renewed = true;
    try {
      renewals.keepHidden(batch.queueUrl(), currentReceipts(), hideSeconds(batch));
    } catch (ActivityFailure e) {
      Workflow.getLogger(BatchWorkflowImpl.class).warn("could not keep the messages hidden: {}", e.getMessage());
    }
  }

  private static ActivityOptions awaitOptions(MachineSpec spec) {
    return ActivityOptions.newBuilder()
        // The activity stops the machine at the spec's timeout; this bound is the backstop.
        .setStartToCloseTimeout(Duration.ofSeconds(spec.timeoutSeconds()).plusMinutes(5))
        // A worker that died is noticed this soon: the retry on another worker finds a machine
        // that finished meanwhile at once. awaitExit heartbeats after every wait call (≤ 15 s).
        .setHeartbeatTimeout(AWAIT_HEARTBEAT)
        .setRetryOptions(FLY_RETRY)
        .build();
  }

  private static MachineActivities machines(ActivityOptions options, String summary) {
    return Workflow.newActivityStub(
        MachineActivities.class, options.toBuilder().setSummary(summary).build());
  }

  /**
   * Takes an idle machine from the run's pool; none (the attempt creates one) when the pool has
   * none or cannot be reached, and null when the create must look for a machine the failed claim
   * may have taken first.
   */
  private PoolClaim claim(Batch batch, AttemptRequest request) {
    PoolActivities claiming = Workflow.newActivityStub(PoolActivities.class,
        CLAIM.toBuilder().setSummary("take a machine from the warm pool, attempt " + request.attempt()).build());
    try {
      return whileHidden(batch, Async.function(claiming::claimPoolMachine, request));
    } catch (ActivityFailure e) {
      Workflow.getLogger(BatchWorkflowImpl.class).warn("warm pool unavailable, creating a machine: {}",
          rootMessage(e));
      return Workflow.getVersion(CLAIMS_LOOKED_UP, Workflow.DEFAULT_VERSION, 1) >= 1 ? null : PoolClaim.NONE;
    }
  }

  /**
   * Gives a pooled machine that ended cleanly back to its pool (an update wipes its files), and
   * destroys any other: a machine that ran out of memory, timed out or vanished, or whose attempt
   * did not see it end, is not trusted with another batch.
   */
  private void putAway(MachineRef machine, ExitStatus exit) {
    boolean reusable = warmPools && machine.pool() != null && exit != null
        && !exit.oomKilled() && !exit.timedOut() && !exit.vanished();
    if (!reusable) {
      destroy(machine);
      return;
    }
    // Detached, as a destroy: runs even when the workflow is being cancelled.
    boolean[] returned = {false};
    Workflow.newDetachedCancellationScope(() -> {
      try {
        returned[0] = Workflow.newActivityStub(PoolActivities.class,
                DESTROY.toBuilder().setSummary("return " + machine.id() + " to the warm pool").build())
            .returnToPool(machine);
      } catch (ActivityFailure e) {
        Workflow.getLogger(BatchWorkflowImpl.class).warn("machine {} could not go back to its pool: {}",
            machine.id(), rootMessage(e));
      }
    }).run();
    if (!returned[0]) {
      destroy(machine);
    }
  }

  private void destroy(MachineRef machine) {
    // Detached: runs even when the workflow is being cancelled.
    Workflow.newDetachedCancellationScope(() -> {
      String summary = "destroy " + machine.id();
      MachineActivities destroying = machines(DESTROY, summary);
      if (endsLocally()) {
        MachineActivities local = Workflow.newLocalActivityStub(MachineActivities.class,
            LOCAL_DESTROY.toBuilder().setSummary(summary).build());
        orAsActivity(() -> {
          local.destroyMachine(machine);
          return null;
        }, () -> {
          destroying.destroyMachine(machine);
          return null;
        });
      } else {
        destroying.destroyMachine(machine);
      }
    }).run();
  }

  /**
   * Deletes the messages, or with {@code release} makes those of a failed batch visible again,
   * except the events that succeeded in a partly failed run: those are deleted either way.
   */
  private SettleResult settle(Batch batch, boolean succeeded, Set<String> eventsSucceeded) {
    if (batch.replayOf() != null) {
      // The original batch deleted or released these messages already.
      return new SettleResult("none: replay of " + batch.replayOf(), 0, List.of());
    }
    if (!succeeded && batch.onFailure() == OnFailure.RELEASE && !eventsSucceeded.isEmpty()) {
      List<Receipt> done = receiptsOf(eventsSucceeded);
      SettleResult acked = settleMessages(batch, true, done);
      // A newer handle signalled meanwhile is the one SQS deletes with.
      while (!receiptsOf(eventsSucceeded).equals(done)) {
        done = receiptsOf(eventsSucceeded);
        settleMessages(batch, true, done);
      }
      eventsSucceeded.forEach(receipts::remove);
      SettleResult released = settleMessages(batch, false, currentReceipts());
      return new SettleResult("ack " + acked.settled() + ", release " + released.settled(),
          acked.settled() + released.settled(), concat(acked.failed(), released.failed()),
          concat(acked.stale(), released.stale()));
    }
    return settleMessages(batch, succeeded || batch.onFailure() == OnFailure.ACK, currentReceipts());
  }

  private List<Receipt> receiptsOf(Set<String> messageIds) {
    return currentReceipts().stream().filter(r -> messageIds.contains(r.messageId())).toList();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> both = new ArrayList<>(a);
    both.addAll(b);
    return both;
  }

  private SettleResult settleMessages(Batch batch, boolean ack, List<Receipt> current) {
    String summary = (ack ? "delete " : "release ") + current.size() + (current.size() == 1 ? " message" : " messages");
    MessageActivities messages = Workflow.newActivityStub(MessageActivities.class, SETTLE.toBuilder().setSummary(summary).build());
    MessageActivities local = endsLocally()
        ? Workflow.newLocalActivityStub(MessageActivities.class, LOCAL_SETTLE.toBuilder().setSummary(summary).build())
        : null;
    if (ack) {
      return settleOnce(local, messages, m -> m.ackMessages(batch.queueUrl(), current));
    }
    SettleResult released = settleOnce(local, messages, m -> m.releaseMessages(batch.queueUrl(), current));
    // A poller can receive a released message before this run ends and hand it back by signal:
    // release those handles too, or the message would stay hidden for a whole visibility timeout.
    List<Receipt> done = current;
    while (!currentReceipts().equals(done)) {
      List<Receipt> newer = currentReceipts();
      done = newer;
      settleOnce(local, messages, m -> m.releaseMessages(batch.queueUrl(), newer));
    }
    return released;
  }

  /** One settle call, locally first when {@code local} is given ({@link #LOCAL_ENDINGS}). */
  private static SettleResult settleOnce(MessageActivities local, MessageActivities activity,
      Function<MessageActivities, SettleResult> call) {
    return local == null ? call.apply(activity) : orAsActivity(() -> call.apply(local), () -> call.apply(activity));
  }

  private List<Receipt> currentReceipts() {
    List<Receipt> list = new ArrayList<>();
    receipts.forEach((id, handle) -> list.add(new Receipt(id, handle)));
    return list;
  }

  /** 10 s, 20 s, 40 s … capped at 5 minutes between attempts on fresh machines. */
  static Duration backoff(int attempt) {
    long seconds = Math.min(300, 10L << Math.min(attempt - 2, 5));
    return Duration.ofSeconds(seconds);
  }

  private static String lastLines(LogTail logs) {
    List<String> lines = logs.lines();
    List<String> last = lines.subList(Math.max(0, lines.size() - 20), lines.size());
    return last.isEmpty() ? "" : "\n--- last log lines ---\n" + String.join("\n", last);
  }
}

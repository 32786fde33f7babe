package dev.lambdo.devkit.chaos;

import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.devkit.sqs.Producer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One scenario on the stack: its own queue and DLQ, its pollers, its image (so its batches can be
 * told apart in Temporal) and its ledger. Events are bodies {@code {"s": scenario, "n": 0, 1, …}}.
 */
final class Run {
  /** How long a scenario's batches may take to settle once its faults are over. */
  static final Duration SETTLE_LIMIT = Duration.ofSeconds(150);
  private static final Pattern HANDED = Pattern.compile("already runs .*gave it (\\d+) new receipt handle");

  private final Stack stack;
  private final String name;
  private final Setup setup;
  private final EmbeddedSqs.Queues queues;
  private final Ledger ledger;
  private final long began = System.nanoTime();
  private int sent;

  /**
   * How the scenario's queue and pollers are set up.
   *
   * @param visibilitySeconds the pollers' LAMBDO_SQS_VISIBILITY_SECONDS
   * @param maxReceives the queue's redrive maxReceiveCount
   */
  record Setup(int pollers, int visibilitySeconds, int maxReceives, int eventsPerMachine, int maxMachines) {
    /** Visibility longer than any run, so nothing is redelivered unless the scenario makes it. */
    static Setup plain() {
      return new Setup(1, 120, 5, 1, 50);
    }

    Setup pollers(int count) {
      return new Setup(count, visibilitySeconds, maxReceives, eventsPerMachine, maxMachines);
    }

    Setup visibility(int seconds) {
      return new Setup(pollers, seconds, maxReceives, eventsPerMachine, maxMachines);
    }

    Setup maxReceives(int count) {
      return new Setup(pollers, visibilitySeconds, count, eventsPerMachine, maxMachines);
    }

    Setup eventsPerMachine(int count) {
      return new Setup(pollers, visibilitySeconds, maxReceives, count, maxMachines);
    }

    Setup maxMachines(int count) {
      return new Setup(pollers, visibilitySeconds, maxReceives, eventsPerMachine, count);
    }
  }

  private Run(Stack stack, String name, Setup setup) {
    this.stack = stack;
    this.name = name;
    this.setup = setup;
    this.queues = EmbeddedSqs.createQueues(stack.sqs(), "chaos-" + name, setup.visibilitySeconds(), setup.maxReceives());
    this.ledger = new Ledger(stack.dir().resolve("ledger-" + name + ".txt"));
  }

  /** A run whose pollers are not started yet: send a backlog first, then {@link #startPollers}. */
  static Run prepare(Stack stack, String name, Setup setup) {
    stack.fly().faults(EmulatorAdmin.NO_FAULTS);
    return new Run(stack, name, setup);
  }

  /** A run with its pollers started. */
  static Run start(Stack stack, String name, Setup setup) throws Exception {
    Run run = prepare(stack, name, setup);
    run.startPollers();
    return run;
  }

  void startPollers() throws Exception {
    stack.startPollers(setup.pollers(), queues, Map.of(
        "LAMBDO_SQS_VISIBILITY_SECONDS", Integer.toString(setup.visibilitySeconds()),
        "LAMBDO_EVENTS_PER_MACHINE", Integer.toString(setup.eventsPerMachine()),
        "LAMBDO_MAX_CONCURRENT_MACHINES", Integer.toString(setup.maxMachines())));
  }

  String image() {
    return "chaos/" + name + ":1";
  }

  /**
   * Sends {@code count} events whose machines run {@code work} (a shell command) between their
   * ledger lines; {@code attributes} are more message attributes, name then value.
   */
  void send(int count, String work, String... attributes) {
    Producer producer = new Producer(stack.sqs(), queues.main());
    List<String> all = new ArrayList<>(List.of(
        "image", image(),
        "command", "[\"sh\",\"-c\",\"" + Ledger.command(work).replace("\\", "\\\\").replace("\"", "\\\"") + "\"]",
        "env", "{\"LEDGER\":\"" + ledger.file() + "\"}"));
    all.addAll(List.of(attributes));
    for (int i = 0; i < count; i++) {
      producer.send("{\"s\":\"" + name + "\",\"n\":" + sent++ + "}", all.toArray(String[]::new));
    }
  }

  /** Events sent so far, numbered from 0. */
  int sent() {
    return sent;
  }

  /** Waits until a machine has begun every event sent so far. */
  void awaitAllBegun() throws InterruptedException {
    Await.require("every event of " + name + " to begin on a machine", Duration.ofSeconds(90),
        () -> ledger.read().allRan(sent, false));
  }

  Ledger.Counts ledger() {
    return ledger.read();
  }

  /** Machines idle in the stack's warm pools (only {@link Crashes#POOLED} has one). */
  int pooledIdle() {
    return stack.fly().idleInPools(Stack.APP);
  }

  int queued() {
    return EmbeddedSqs.approximateCount(stack.sqs(), queues.main());
  }

  int deadLettered() {
    return EmbeddedSqs.approximateCount(stack.sqs(), queues.dlq());
  }

  long batches(String status) {
    return stack.client().countWorkflows("WorkflowType = 'BatchWorkflow' AND LambdoImage = '" + image()
        + "' AND ExecutionStatus = '" + status + "'").getCount();
  }

  /**
   * Messages SQS showed again while their batch ran, which the pollers handed to it and hid for
   * 12 h, as this run's pollers (killed ones' too) logged it (BatchStarter).
   */
  int handedToRunningBatches() throws IOException {
    int handed = 0;
    for (Matcher m = HANDED.matcher(stack.pollerLogs()); m.find(); ) {
      handed += Integer.parseInt(m.group(1));
    }
    return handed;
  }

  /**
   * Creates that were tried again and found the machine an earlier try had made (its answer lost,
   * or its worker killed before it could report), as the workers logged it (MachineActivitiesImpl).
   */
  long createsThatFoundTheirMachine() throws IOException {
    return batchLogLines("from an earlier try");
  }

  /** Destroys of this run's machines that found them destroyed already, as the workers logged them. */
  long destroysThatFoundTheMachineGone() throws IOException {
    return batchLogLines("was already gone");
  }

  private long batchLogLines(String text) throws IOException {
    Set<String> ids = stack.client().listExecutions("LambdoImage = '" + image() + "'")
        .map(e -> e.getExecution().getWorkflowId()).collect(Collectors.toSet());
    return stack.workerLogs().lines()
        .filter(line -> line.contains(text) && ids.stream().anyMatch(line::contains)).count();
  }

  /**
   * Waits until every event ran (to its end, when {@code mustFinish}), no machine is left, the
   * queue is empty and none of the scenario's batches runs; then counts, stops the pollers and
   * answers the row, settled or not.
   */
  Outcome settle(boolean mustFinish, String note) throws Exception {
    boolean settled = Await.until(SETTLE_LIMIT, () -> ledger.read().allRan(sent, mustFinish)
        && stack.fly().stats().alive() == 0
        && queued() == 0
        && batches("Running") == 0);
    Ledger.Counts counts = ledger.read();
    Outcome outcome = new Outcome(name, sent, counts.ranExactly(sent, 1), counts.ranMoreThanOnce(sent),
        counts.lost(sent, mustFinish), stack.fly().stats().alive(), queued(), deadLettered(),
        stack.processesAlive(), stack.processes(), (System.nanoTime() - began) / 1_000_000_000, settled, note);
    stack.stopPollers();
    return outcome;
  }
}

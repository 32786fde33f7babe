package dev.lambdo.devkit.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** kill -9 of each process that holds Lambdo's state in flight: the worker, the pollers, Temporal. */
final class Crashes {
  static final int WORKER_KILLS = 3;
  static final int POLLER_KILLS = 5;

  private Crashes() {}

  /**
   * Three rounds of two events; in each, once their machines run, the worker that created them
   * (and awaits them, and those of the rounds before) is killed and a new one started. The last
   * worker gets every await once its heartbeat times out (30 s).
   */
  static Outcome workerKilledWhileMachinesRun(Stack stack) throws Exception {
    Run run = Run.start(stack, "worker-kill-9", Run.Setup.plain());
    for (int kill = 0; kill < WORKER_KILLS; kill++) {
      run.send(2, "sleep 15");
      run.awaitAllBegun();
      assertEquals(0, run.ledger().ends(run.sent() - 1), "the kill comes while the round's machines run");
      stack.killWorker();
      stack.startWorker();
    }
    Outcome outcome = run.settle(true, WORKER_KILLS + " kills -9, each while the machines the killed worker created ran; ");
    return outcome.withNote(outcome.note() + "creates cut off by a kill: " + run.createsThatFoundTheirMachine()
        + " (each tried again after its 2-min timeout, found its machine)");
  }

  /**
   * Warm pools (issue 13): two events make the pool's two machines and give them back; two more
   * take them from the pool and, while those run, the worker that claimed them is killed. The
   * next worker awaits them, gives them back and the keeper destroys them once idle past the
   * pool's time: no event twice, no machine made for the second round, none left.
   */
  static Outcome pooledWorkerKilledWhileMachinesRun(Stack stack) throws Exception {
    Run run = Run.start(stack, POOLED, Run.Setup.plain());
    int createdBefore = stack.fly().stats().created();
    run.send(2, "sleep 1", "region", "iad");
    Await.require("the first round to end, its machines back in the pool", Duration.ofSeconds(90),
        () -> run.ledger().ends(0) + run.ledger().ends(1) == 2 && run.pooledIdle() == 2);
    int created = stack.fly().stats().created() - createdBefore;
    assertEquals(2, created, "the pool's two machines, made by the first round");
    run.send(2, "sleep 15", "region", "iad");
    run.awaitAllBegun();
    assertEquals(created, stack.fly().stats().created() - createdBefore, "the second round took them from the pool");
    stack.killWorker();
    stack.startWorker();
    Outcome outcome = run.settle(true, "pool of 2: 2 events made its machines, 2 took them from it; kill -9 while they ran; ");
    return outcome.withNote(outcome.note() + (stack.fly().stats().created() - createdBefore)
        + " machines made in all; the keeper destroyed them idle");
  }

  /**
   * Issue 9's local creates: on a worker whose creates are unpaced, a create runs inside the
   * workflow task that asks for it. Fly makes both machines but holds its answers; meanwhile the
   * worker is killed, so the tasks are lost with no record of the creates. The next worker runs
   * the tasks again, and each create finds its machine by its name: no event twice, no machine
   * made twice.
   */
  static Outcome workerKilledDuringLocalCreates(Stack stack) throws Exception {
    startUnpacedWorker(stack);
    Run run = Run.start(stack, "local-create-kill-9", Run.Setup.plain());
    int createdBefore = stack.fly().stats().created();
    killWorkerWhileFlyHoldsItsAnswers(stack, () -> run.send(2, "sleep 2"), "Fly to make both machines",
        () -> stack.fly().stats().created() - createdBefore == 2);
    startUnpacedWorker(stack);
    Outcome outcome = run.settle(true, "creates within the workflow task (unpaced), kill -9 before Fly's answers came; ");
    int made = stack.fly().stats().created() - createdBefore;
    assertEquals(2, made, "machines made for 2 events");
    long found = run.createsThatFoundTheirMachine();
    assertEquals(2, found, "every create run again found its machine by name");
    backToTheStacksWorker(stack);
    return outcome.withNote(outcome.note() + made + " machines made, " + found + " found again by name");
  }

  /**
   * Issue 9's local endings: on a worker whose creates are unpaced, a batch whose machine exited
   * fetches its logs, destroys the machine and deletes its messages inside one workflow task.
   * Fly destroys both machines but holds its answers; meanwhile the worker is killed, so the task
   * is lost with no record of the destroys. The next worker runs the endings again: the logs are
   * still there, the destroy finds the machine gone, the messages are deleted once.
   */
  static Outcome workerKilledDuringLocalEndings(Stack stack) throws Exception {
    startUnpacedWorker(stack);
    Run run = Run.start(stack, "local-endings-kill-9", Run.Setup.plain());
    int aliveBefore = stack.fly().stats().alive();
    // Long enough that both runs are still going when the answers are held.
    run.send(2, "sleep 5");
    run.awaitAllBegun();
    killWorkerWhileFlyHoldsItsAnswers(stack, () -> {}, "Fly to destroy both machines, its answers held",
        () -> stack.fly().stats().alive() == aliveBefore);
    startUnpacedWorker(stack);
    Outcome outcome = run.settle(true, "endings within the workflow task (unpaced), kill -9 after Fly destroyed "
        + "both machines, before its answers came; ");
    long completed = run.batches("Completed");
    assertEquals(2, completed, "both batches completed: an ending run again must not fail its batch");
    long foundGone = run.destroysThatFoundTheMachineGone();
    assertEquals(2, foundGone, "the kill came before both destroys' answers: each ran again, found its machine gone");
    backToTheStacksWorker(stack);
    return outcome.withNote(outcome.note() + completed + " batches completed, " + foundGone
        + " destroys run again found their machine gone");
  }

  /** A worker whose creates are unpaced runs creates and endings inside its workflow tasks. */
  private static void startUnpacedWorker(Stack stack) throws Exception {
    stack.killWorker();
    stack.startWorker(Map.of("LAMBDO_FLY_CREATES_PER_SECOND", "0"));
  }

  /** The stack's own worker again, for the scenarios after this one. */
  private static void backToTheStacksWorker(Stack stack) throws Exception {
    stack.killWorker();
    stack.startWorker();
  }

  /**
   * Fly holds its answers ({@link #HELD_ANSWER}) from before {@code then} runs; once {@code
   * tookEffect}, the worker is killed before they come.
   */
  private static void killWorkerWhileFlyHoldsItsAnswers(Stack stack, Step then, String awaited,
      BooleanSupplier tookEffect) throws Exception {
    try {
      stack.fly().faults("{\"answer_delay_ms\":" + HELD_ANSWER.toMillis() + "}");
      then.run();
      Await.require(awaited, Duration.ofSeconds(60), tookEffect);
      stack.killWorker();
    } finally {
      stack.fly().faults("{\"answer_delay_ms\":0}");
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  /** Long enough that the kill lands before the answers. */
  private static final Duration HELD_ANSWER = Duration.ofSeconds(5);

  /** The scenario whose image has a warm pool (in iad) on every worker of the stack. */
  static final String POOLED = "pool-kill-9";

  /**
   * A backlog drained by two pollers, one of them killed and replaced five times: what a killed
   * poller received but had not started comes back after the visibility timeout.
   */
  static Outcome pollerKilledDuringBacklog(Stack stack) throws Exception {
    Run run = Run.prepare(stack, "poller-kill-9", Run.Setup.plain().pollers(2).visibility(10).eventsPerMachine(2)
        .maxMachines(4));
    // Machines of 4 s: 15 batches, 4 at a time, outlast the five kills 2.5 s apart (with 1 s the
    // backlog was sometimes gone before the last kill).
    run.send(30, "sleep 4");
    run.startPollers();
    for (int kill = 0; kill < POLLER_KILLS; kill++) {
      Thread.sleep(Duration.ofMillis(2500));
      stack.killAndRestartPoller(kill % 2);
    }
    assertTrue(run.queued() > 0, "the kills came during the backlog");
    return run.settle(true, POLLER_KILLS + " kills -9 of one of 2 pollers during a backlog of 30, limit 4 machines");
  }

  /**
   * The Temporal server is killed while machines run, events arrive while it is down, and it is
   * started again on its database file.
   */
  static Outcome temporalKilledAndRestarted(Stack stack) throws Exception {
    Run run = Run.start(stack, "temporal-kill-9", Run.Setup.plain());
    run.send(3, "sleep 8");
    run.awaitAllBegun();
    stack.killTemporal();
    run.send(3, "sleep 8");
    Thread.sleep(Duration.ofSeconds(10));
    stack.restartTemporal();
    return run.settle(true, "kill -9 while 3 machines ran; 3 more events sent while down 10 s; restarted on its DB file");
  }
}

package dev.lambdo.devkit.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

/** Messages shown again while their batch runs, and SQS out of reach. */
final class SqsTrouble {
  static final int SHORT_VISIBILITY = 10;

  private SqsTrouble() {}

  /**
   * Machines run 25 s, the messages are hidden 10 s. A batch renews its messages' visibility
   * first a third of the visibility after its start (BatchWorkflowImpl, renewal-timers), so SQS
   * shows none of them again mid-run. (It did once: the first renewal came after 200 s.)
   */
  static Outcome visibilityShorterThanTheRun(Stack stack) throws Exception {
    Run run = Run.start(stack, "visibility-short", Run.Setup.plain().visibility(SHORT_VISIBILITY).eventsPerMachine(2));
    run.send(4, "sleep 25");
    Outcome outcome = run.settle(true, "visibility " + SHORT_VISIBILITY + " s, machines run 25 s; ");
    int handed = run.handedToRunningBatches();
    assertEquals(0, handed, "messages shown again while their batch ran: the first renewal came too late");
    return outcome.withNote(outcome.note() + handed + " messages shown again mid-run");
  }

  /**
   * As {@link #visibilityShorterThanTheRun}, on a queue whose maxReceiveCount is 1: a receive that
   * showed a message again mid-run would be its second, and SQS would move it to the DLQ while its
   * batch runs and succeeds. Before the first renewal came at a third of the visibility, all 4 did.
   */
  static Outcome visibilityShorterThanTheRunAtOneReceive(Stack stack) throws Exception {
    Run run = Run.start(stack, "visibility-short-max-1",
        Run.Setup.plain().visibility(SHORT_VISIBILITY).maxReceives(1).eventsPerMachine(2));
    run.send(4, "sleep 25");
    Outcome outcome = run.settle(true, "as visibility-short with maxReceiveCount 1; ");
    long completed = run.batches("Completed");
    return outcome.withNote(outcome.note() + completed + " batches succeeded, none of their messages dead-lettered");
  }

  /**
   * The apps lose SQS for 20 s while machines run and finish (their acks fail), and more events
   * arrive meanwhile; then SQS is back as it was. A receive cut off mid-answer has hidden its
   * messages all the same, as SQS does: they show after the visibility timeout, kept short here.
   */
  static Outcome outage(Stack stack) throws Exception {
    Run run = Run.start(stack, "sqs-outage", Run.Setup.plain().visibility(SHORT_VISIBILITY));
    run.send(3, "sleep 4");
    run.awaitAllBegun();
    stack.cutSqs();
    try {
      run.send(3, "sleep 4");
      Thread.sleep(Duration.ofSeconds(20));
    } finally {
      stack.restoreSqs();
    }
    Outcome outcome = run.settle(true, "apps cut off SQS 20 s (refused, reset) while 3 machines ran, 3 events sent"
        + " meanwhile, visibility " + SHORT_VISIBILITY + " s; ");
    return outcome.withNote(outcome.note() + run.handedToRunningBatches() + " messages shown again mid-run");
  }

  /**
   * The worker dies while machines run and stays down 40 s, longer than maxReceiveCount (3) ×
   * visibility (10 s): SQS would dead-letter the messages if the pollers let it receive them 3 times.
   */
  static Outcome workerDownPastRedrive(Stack stack) throws Exception {
    Run run = Run.start(stack, "worker-down-40s",
        Run.Setup.plain().visibility(SHORT_VISIBILITY).maxReceives(3).eventsPerMachine(2));
    run.send(4, "sleep 3");
    run.awaitAllBegun();
    stack.killWorker();
    Thread.sleep(Duration.ofSeconds(40));
    stack.startWorker();
    Outcome outcome = run.settle(true, "worker killed, down 40 s > maxReceiveCount 3 x visibility 10 s; ");
    int handed = run.handedToRunningBatches();
    assertTrue(handed > 0, "SQS showed messages again while the worker was down");
    return outcome.withNote(outcome.note() + handed + " messages shown again, handed to their batch, hidden 12 h");
  }
}

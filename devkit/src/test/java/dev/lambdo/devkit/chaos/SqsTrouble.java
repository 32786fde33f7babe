package dev.lambdo.devkit.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

/** Messages shown again while their batch runs, and SQS out of reach. */
final class SqsTrouble {
  static final int SHORT_VISIBILITY = 10;

  private SqsTrouble() {}

  /**
   * Machines run 25 s, the messages are hidden 10 s. A batch renews its messages' visibility first
   * 200 s after its start (a third of the 10-minute hide, BatchWorkflowImpl), so SQS shows every
   * one again mid-run; the pollers hand them to their batch and hide them 12 h. Known and in the
   * README: it costs each message one receive toward maxReceiveCount.
   */
  static Outcome visibilityShorterThanTheRun(Stack stack) throws Exception {
    Run run = Run.start(stack, "visibility-short", Run.Setup.plain().visibility(SHORT_VISIBILITY).eventsPerMachine(2));
    run.send(4, "sleep 25");
    Outcome outcome = run.settle(true, "visibility " + SHORT_VISIBILITY + " s, machines run 25 s; ");
    int handed = run.handedToRunningBatches();
    assertTrue(handed > 0, "SQS showed messages again while their batch ran, as the README says; if no longer,"
        + " the first renewal comes in time now: update this scenario and the README");
    return outcome.withNote(outcome.note() + handed + " messages shown again mid-run, handed to their batch");
  }

  /**
   * As {@link #visibilityShorterThanTheRun}, on a queue whose maxReceiveCount is 1: the receive
   * that shows a message again mid-run is its second, so SQS moves it to the DLQ instead, while
   * its batch runs and succeeds. A known bug (README, "When things fail"): the DLQ holds events
   * that ran.
   */
  static Outcome visibilityShorterThanTheRunAtOneReceive(Stack stack) throws Exception {
    Run run = Run.start(stack, "visibility-short-max-1",
        Run.Setup.plain().visibility(SHORT_VISIBILITY).maxReceives(1).eventsPerMachine(2));
    run.send(4, "sleep 25");
    Outcome outcome = run.settle(true, "KNOWN BUG: as visibility-short with maxReceiveCount 1; ");
    long completed = run.batches("Completed");
    return outcome.withNote(outcome.note() + completed + " batches succeeded, their messages dead-lettered mid-run");
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

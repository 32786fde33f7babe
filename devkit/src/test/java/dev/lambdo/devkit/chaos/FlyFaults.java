package dev.lambdo.devkit.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

/** Fly misbehaving, switched in the emulator process over {@code /_emulator/faults}. */
final class FlyFaults {
  private FlyFaults() {}

  /** Every machine API request answered 503 for a while: creates, waits, destroys alike. */
  static Outcome serverErrors(Stack stack) throws Exception {
    Run run = Run.start(stack, "fly-5xx", Run.Setup.plain());
    stack.fly().faults("{\"fail_next\":{\"count\":12,\"status\":503,\"retry_after_s\":null}}");
    run.send(4, "sleep 1");
    Await.require("the 503s to be served", Duration.ofSeconds(60), () -> failNextLeft(stack) == 0);
    return run.settle(true, "the next 12 machine API requests answered 503");
  }

  /**
   * Fly acts but its answer never arrives: three creates, then three destroys. Duplicate names
   * are allowed here, so only the worker's look-up by metadata can keep a retried create from
   * making a second machine.
   */
  static Outcome lostAnswers(Stack stack) throws Exception {
    Run run = Run.start(stack, "fly-lost-answers", Run.Setup.plain());
    int createdBefore = stack.fly().stats().created();
    stack.fly().faults("{\"duplicate_names\":\"allow\",\"lose_next\":{\"count\":3,\"method\":\"POST\"}}");
    run.send(3, "sleep 4");
    Await.require("3 create answers to be lost", Duration.ofSeconds(60), () -> loseNextLeft(stack) == 0);
    stack.fly().faults("{\"lose_next\":{\"count\":3,\"method\":\"DELETE\"}}");
    Await.require("3 destroy answers to be lost", Duration.ofSeconds(60), () -> loseNextLeft(stack) == 0);
    Outcome outcome = run.settle(true, "3 create and 3 destroy answers lost after the action took effect; ");
    int made = stack.fly().stats().created() - createdBefore;
    assertEquals(3, made, "machines made for 3 events");
    long found = run.createsThatFoundTheirMachine();
    assertEquals(3, found, "every create whose answer was lost found its machine when tried again");
    return outcome.withNote(outcome.note() + made + " machines made, " + found + " found again by the retried create");
  }

  /** A burst of 429s with Retry-After: creates wait and send again inside their activity. */
  static Outcome rateLimitBursts(Stack stack) throws Exception {
    Run run = Run.start(stack, "fly-429-burst", Run.Setup.plain());
    long before = stack.fly().stats().http429();
    stack.fly().faults("{\"fail_next\":{\"count\":20,\"status\":429,\"retry_after_s\":1}}");
    run.send(4, "sleep 1");
    Await.require("the 429s to be served", Duration.ofSeconds(60), () -> failNextLeft(stack) == 0);
    Outcome outcome = run.settle(true, "a burst of 20 answers 429, Retry-After 1 s");
    assertTrue(stack.fly().stats().http429() - before >= 20, "the 429s were answered");
    return outcome;
  }

  /**
   * No capacity in either region of the events' {@code iad,dfw} for 5 s, then only in iad: the
   * creates retry, then move on to dfw.
   */
  static Outcome noCapacity(Stack stack) throws Exception {
    Run run = Run.start(stack, "fly-capacity", Run.Setup.plain());
    stack.fly().faults("{\"no_capacity_in\":[\"iad\",\"dfw\"]}");
    run.send(3, "sleep 1", "region", "iad,dfw");
    Thread.sleep(Duration.ofSeconds(5));
    assertEquals(0, run.ledger().ranExactly(3, 1), "no machine while every region was full");
    stack.fly().faults("{\"no_capacity_in\":[\"iad\"]}");
    Outcome outcome = run.settle(true, "iad and dfw full for 5 s, then iad only; events ask for iad,dfw; ran in ");
    List<String> regions = run.ledger().regions();
    assertEquals(List.of("dfw"), regions, "the machines ran where there was room");
    return outcome.withNote(outcome.note() + String.join(",", regions));
  }

  private static int failNextLeft(Stack stack) {
    return stack.fly().faults().path("fail_next").path("count").asInt();
  }

  private static int loseNextLeft(Stack stack) {
    return stack.fly().faults().path("lose_next").path("count").asInt();
  }
}

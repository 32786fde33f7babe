package dev.lambdo.devkit.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Machines that run past their {@code timeout}. */
final class Timeouts {
  private Timeouts() {}

  /**
   * Machines that would sleep a minute, with {@code timeout} 3 s and no retries: each is stopped
   * at its timeout, never finishes, and its batch fails; the messages are deleted (ack on failure).
   */
  static Outcome machinesPastTheirTimeout(Stack stack) throws Exception {
    Run run = Run.start(stack, "machine-timeout", Run.Setup.plain());
    run.send(3, "sleep 60", "timeout", "3", "retries", "0");
    Outcome outcome = run.settle(false, "timeout 3 s, machines would sleep 60 s, retries 0: stopped, never ended; ");
    assertEquals(0, run.ledger().ends(0) + run.ledger().ends(1) + run.ledger().ends(2), "no machine ran to its end");
    long failed = run.batches("Failed");
    assertEquals(3, failed, "every batch failed");
    return outcome.withNote(outcome.note() + failed + " batches Failed (timed out)");
  }
}

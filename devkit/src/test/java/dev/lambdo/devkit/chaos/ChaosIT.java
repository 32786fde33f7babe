package dev.lambdo.devkit.chaos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chaos suite: Lambdo's pieces as separate processes ({@link Stack}), one bounded scenario at
 * a time, each counted from the ledger its machines wrote: every event run exactly once, no
 * machine left, queue and DLQ empty, every process alive. Prints the table of counts and writes it
 * to {@code target/chaos/table.txt}; the processes' logs and the ledgers are beside it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIT {
  private static final List<Outcome> outcomes = new ArrayList<>();
  private static Path dir;
  private static Stack stack;
  private static long began;

  @BeforeAll
  static void start() throws Exception {
    began = System.nanoTime();
    dir = Path.of(System.getProperty("lambdo.chaos.dir", "target/chaos")).toAbsolutePath();
    stack = Stack.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
    String table = Outcome.table(outcomes)
        + String.format("chaos suite: %d scenarios in %d s%n", outcomes.size(), (System.nanoTime() - began) / 1_000_000_000);
    System.out.print("\n" + table);
    Files.writeString(dir.resolve("table.txt"), table);
  }

  /** Keeps the scenario's row for the table, and shows it at once. */
  private static Outcome counted(Outcome outcome) {
    outcomes.add(outcome);
    System.out.println("chaos: " + outcome.row());
    return outcome;
  }

  @Test
  @Order(1)
  void workerKilledWhileMachinesRun() throws Exception {
    counted(Crashes.workerKilledWhileMachinesRun(stack)).assertExactlyOnce();
  }

  @Test
  @Order(2)
  void pooledWorkerKilledWhileMachinesRun() throws Exception {
    counted(Crashes.pooledWorkerKilledWhileMachinesRun(stack)).assertExactlyOnce();
  }

  @Test
  @Order(2)
  void workerKilledDuringLocalCreates() throws Exception {
    counted(Crashes.workerKilledDuringLocalCreates(stack)).assertExactlyOnce();
  }

  @Test
  @Order(2)
  void workerKilledDuringLocalEndings() throws Exception {
    counted(Crashes.workerKilledDuringLocalEndings(stack)).assertExactlyOnce();
  }

  @Test
  @Order(2)
  void pollerKilledDuringBacklog() throws Exception {
    counted(Crashes.pollerKilledDuringBacklog(stack)).assertExactlyOnce();
  }

  @Test
  @Order(3)
  void temporalKilledAndRestarted() throws Exception {
    counted(Crashes.temporalKilledAndRestarted(stack)).assertExactlyOnce();
  }

  @Test
  @Order(4)
  void flyServerErrors() throws Exception {
    counted(FlyFaults.serverErrors(stack)).assertExactlyOnce();
  }

  @Test
  @Order(5)
  void flyAnswersLostAfterTheActionTookEffect() throws Exception {
    counted(FlyFaults.lostAnswers(stack)).assertExactlyOnce();
  }

  @Test
  @Order(6)
  void flyRateLimitBursts() throws Exception {
    counted(FlyFaults.rateLimitBursts(stack)).assertExactlyOnce();
  }

  @Test
  @Order(7)
  void flyWithoutCapacity() throws Exception {
    counted(FlyFaults.noCapacity(stack)).assertExactlyOnce();
  }

  @Test
  @Order(8)
  void visibilityShorterThanTheRun() throws Exception {
    counted(SqsTrouble.visibilityShorterThanTheRun(stack)).assertExactlyOnce();
  }

  /** Found here once: see {@link SqsTrouble#visibilityShorterThanTheRunAtOneReceive}. */
  @Test
  @Order(9)
  void visibilityShorterThanTheRunAtOneReceive() throws Exception {
    counted(SqsTrouble.visibilityShorterThanTheRunAtOneReceive(stack)).assertExactlyOnce();
  }

  @Test
  @Order(10)
  void sqsOutage() throws Exception {
    counted(SqsTrouble.outage(stack)).assertExactlyOnce();
  }

  @Test
  @Order(11)
  void workerDownLongerThanRedrive() throws Exception {
    counted(SqsTrouble.workerDownPastRedrive(stack)).assertExactlyOnce();
  }

  @Test
  @Order(12)
  void machinesPastTheirTimeout() throws Exception {
    counted(Timeouts.machinesPastTheirTimeout(stack)).assertExactlyOnce();
  }
}

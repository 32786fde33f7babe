package dev.lambdo.devkit.chaos;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

/**
 * A scenario's counts, one row of the table: events sent; events a machine began exactly once,
 * more than once, or never (or never finished, where they should); machines not destroyed;
 * messages left in the queue and in the DLQ; processes of the stack alive.
 *
 * @param settled whether everything settled within {@link Run#SETTLE_LIMIT}
 * @param note what the scenario did, and what it saw besides the counts
 */
record Outcome(String scenario, int events, int once, int moreThanOnce, int lost, int machinesLeft, int queue,
    int dlq, int alive, int processes, long seconds, boolean settled, String note) {
  static final String HEADER = String.format("%-28s %6s %8s %9s %5s %8s %6s %4s %6s %5s  %s",
      "scenario", "events", "ran once", "ran twice", "lost", "machines", "queue", "DLQ", "alive", "s", "what happened");

  Outcome withNote(String text) {
    return new Outcome(scenario, events, once, moreThanOnce, lost, machinesLeft, queue, dlq, alive, processes, seconds,
        settled, text);
  }

  String row() {
    return String.format("%-28s %6d %8d %9d %5d %8d %6d %4d %6s %5d  %s", scenario, events, once, moreThanOnce, lost,
        machinesLeft, queue, dlq, alive + "/" + processes, seconds, (settled ? "" : "NOT SETTLED; ") + note);
  }

  static String table(List<Outcome> outcomes) {
    StringBuilder table = new StringBuilder(HEADER).append('\n');
    outcomes.forEach(o -> table.append(o.row()).append('\n'));
    return table.toString();
  }

  /** Every event ran exactly once, nothing is left anywhere, and every process is alive. */
  void assertExactlyOnce() {
    assertRanOnceWith(0);
  }

  private void assertRanOnceWith(int deadLettered) {
    assertAll(row(),
        () -> assertTrue(settled, "settled within " + Run.SETTLE_LIMIT.toSeconds() + " s"),
        () -> assertEquals(events, once, "events run exactly once"),
        () -> assertEquals(0, moreThanOnce, "events run more than once"),
        () -> assertEquals(0, lost, "events lost"),
        () -> assertEquals(0, machinesLeft, "machines left"),
        () -> assertEquals(0, queue, "messages left in the queue"),
        () -> assertEquals(deadLettered, dlq, "messages in the DLQ"),
        () -> assertEquals(processes, alive, "processes alive"));
  }
}

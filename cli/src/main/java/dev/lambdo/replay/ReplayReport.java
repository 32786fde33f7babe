package dev.lambdo.replay;

import java.io.PrintWriter;

/**
 * What replay prints: a numbered line per batch as it is decided ({@code [12/340]}), so a long run
 * shows how far it is, and a summary that counts each kind of outcome.
 */
final class ReplayReport {
  private final PrintWriter out;
  private final long total;
  private final boolean dryRun;
  private int done;
  private int replayed;
  private int skipped;
  private int refused;

  ReplayReport(PrintWriter out, long total, boolean dryRun) {
    this.out = out;
    this.total = total;
    this.dryRun = dryRun;
  }

  void decided(Decision decision) {
    switch (decision) {
      case Decision.Replay r -> {
        replayed++;
        line(r.original(), "would be replayed as " + r.replayId());
      }
      case Decision.Skip s -> {
        skipped++;
        line(s.original(), "skipped: " + s.reason());
      }
      case Decision.Refuse r -> {
        refused++;
        line(r.original(), "NOT replayed: " + r.reason());
      }
    }
  }

  void started(Decision.Replay replay, Replayer.Outcome outcome) {
    if (outcome.replay().isPresent()) {
      replayed++;
      line(replay.original(), "replayed as " + outcome.replay().get());
    } else {
      skipped++;
      line(replay.original(), "skipped: " + outcome.note());
    }
  }

  void limitReached(int limit) {
    out.println("stopped at --limit " + limit + (dryRun ? "" : ": run the same command again for the next"
        + " batches (those replayed now are skipped then)"));
  }

  void summary() {
    String verb = dryRun ? "would be replayed" : "replayed";
    out.println(done + " batch(es): " + replayed + " " + verb + ", " + skipped + " skipped, " + refused
        + " not replayable" + (dryRun ? " (dry run: nothing was started)" : ""));
    out.flush();
  }

  int replayed() {
    return replayed;
  }

  int refused() {
    return refused;
  }

  int done() {
    return done;
  }

  /** The listing may grow while it pages in: past the count, the line shows the number alone. */
  private void line(String original, String what) {
    done++;
    String position = done <= total ? "[" + done + "/" + total + "]" : "[" + done + "]";
    out.println(position + " " + original + "  " + what);
    out.flush();
  }
}

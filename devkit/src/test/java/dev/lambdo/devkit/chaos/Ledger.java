package dev.lambdo.devkit.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * What the machines themselves wrote: each appends {@code start <unix time> <machine> <region>
 * <events>} when its command begins and {@code end …} when it finishes, {@code <events>} being its
 * events file (a JSON array of bodies {@code {"n": …}}). A run is a start: a machine that began an event's
 * work, whether or not it was let finish.
 */
final class Ledger {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  Ledger(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * The shell command a machine runs: the two ledger lines around {@code work}. The end line only
   * when the work succeeded: a machine stopped at its timeout has its {@code sleep} killed before
   * its shell, and the shell must not then go on to claim the end.
   */
  static String command(String work) {
    String line = "$(date +%s) $FLY_MACHINE_ID $FLY_REGION $(cat \"$EVENTS_PATH\")\" >> \"$LEDGER\"";
    return "echo \"start " + line + "; " + work + " && echo \"end " + line;
  }

  /** A snapshot of the ledger as it stands. */
  Counts read() {
    List<String> lines;
    try {
      lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Counts counts = new Counts();
    for (String line : lines) {
      String[] parts = line.split(" ", 5);
      if (parts.length < 5) {
        continue; // a line being written
      }
      Map<Integer, Integer> into = parts[0].equals("start") ? counts.starts : counts.ends;
      for (JsonNode event : readArray(parts[4])) {
        int n = event.path("n").asInt();
        into.merge(n, 1, Integer::sum);
        if (parts[0].equals("start")) {
          counts.regions.add(parts[3]);
        }
      }
    }
    return counts;
  }

  private static JsonNode readArray(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      return JSON.createArrayNode(); // a line being written
    }
  }

  /** Runs per event number. */
  static final class Counts {
    private final Map<Integer, Integer> starts = new HashMap<>();
    private final Map<Integer, Integer> ends = new HashMap<>();
    private final Set<String> regions = new HashSet<>();

    int runs(int n) {
      return starts.getOrDefault(n, 0);
    }

    int ends(int n) {
      return ends.getOrDefault(n, 0);
    }

    /** Events of {@code 0..sent-1} run exactly {@code times}. */
    int ranExactly(int sent, int times) {
      return count(sent, n -> runs(n) == times);
    }

    int ranMoreThanOnce(int sent) {
      return count(sent, n -> runs(n) > 1);
    }

    /** Events never begun, or, when they should finish, never finished. */
    int lost(int sent, boolean mustFinish) {
      return count(sent, n -> runs(n) == 0 || mustFinish && ends(n) == 0);
    }

    /** Every event of {@code 0..sent-1} begun, and finished when it should. */
    boolean allRan(int sent, boolean mustFinish) {
      return lost(sent, mustFinish) == 0;
    }

    /** The regions machines ran in, from {@code FLY_REGION}. */
    List<String> regions() {
      return regions.stream().sorted().toList();
    }

    private static int count(int sent, IntPredicate which) {
      int count = 0;
      for (int n = 0; n < sent; n++) {
        if (which.test(n)) {
          count++;
        }
      }
      return count;
    }
  }
}

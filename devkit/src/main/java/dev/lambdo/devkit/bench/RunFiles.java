package dev.lambdo.devkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Which events ran, and when, for machines that are reused: each run copies its events file to
 * {@code ran-<start ms>-<pid>.json} here, and leaves {@code stale-<pid>} when it found a file an
 * earlier batch left on the machine. A pooled machine's config holds only its last batch, so the
 * config-based {@link Ledger} cannot count them.
 */
final class RunFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  RunFiles(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  /** The machine command that records its run here. */
  List<String> command() {
    // Written aside, then renamed: a reader never sees half a file.
    return List.of("sh", "-c", "f=" + dir + "/ran-$(date +%s%3N)-$$; test -e $TMPDIR/seen && touch " + dir
        + "/stale-$$; touch $TMPDIR/seen; cp $EVENTS_PATH $f.part && mv $f.part $f.json");
  }

  /** Event number → when its first run started (epoch ms), for events of {@code phase}. */
  Map<Integer, Long> starts(String phase) {
    Map<Integer, Long> starts = new HashMap<>();
    for (Path file : files("ran-")) {
      String name = file.getFileName().toString();
      if (name.endsWith(".part")) {
        continue;
      }
      long start = Long.parseLong(name.split("-")[1]);
      try {
        for (JsonNode event : JSON.readTree(file.toFile())) {
          if (phase.equals(event.path("phase").asText())) {
            starts.merge(event.path("n").asInt(), start, Math::min);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return starts;
  }

  /** Runs beyond the first of any event of {@code phase}. */
  int duplicates(String phase) {
    Map<Integer, Integer> runs = new HashMap<>();
    for (Path file : files("ran-")) {
      if (file.toString().endsWith(".part")) {
        continue;
      }
      try {
        for (JsonNode event : JSON.readTree(file.toFile())) {
          if (phase.equals(event.path("phase").asText())) {
            runs.merge(event.path("n").asInt(), 1, Integer::sum);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return runs.values().stream().mapToInt(r -> r - 1).sum();
  }

  /** Runs that found a file an earlier batch left on their machine. */
  int stale() {
    return files("stale-").size();
  }

  private List<Path> files(String prefix) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

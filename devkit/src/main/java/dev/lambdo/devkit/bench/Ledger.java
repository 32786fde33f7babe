package dev.lambdo.devkit.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdo.devkit.emulator.FlyEmulator;
import java.io.IOException;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Which events ran, read from what every machine was given: the events file in its config. An
 * event is a body {@code {"phase": …, "n": …}}; a machine that exited 0 ran its events.
 */
final class Ledger {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<Integer, Integer> runs = new HashMap<>();

  static Ledger of(FlyEmulator fly, Collection<String> machineIds, String phase) throws IOException {
    Ledger ledger = new Ledger();
    for (String id : machineIds) {
      JsonNode file = fly.config(id).path("files").path(0);
      if (!ranToSuccess(fly, id) || file.isMissingNode()) {
        continue;
      }
      JsonNode events = JSON.readTree(Base64.getDecoder().decode(file.path("raw_value").asText()));
      for (JsonNode event : events) {
        if (phase.equals(event.path("phase").asText())) {
          ledger.runs.merge(event.path("n").asInt(), 1, Integer::sum);
        }
      }
    }
    return ledger;
  }

  private static boolean ranToSuccess(FlyEmulator fly, String id) {
    return fly.exitCode(id).orElse(-1) == 0;
  }

  /** Events of {@code 0..sent-1} that never ran to success. */
  int lost(int sent) {
    int lost = 0;
    for (int n = 0; n < sent; n++) {
      if (!runs.containsKey(n)) {
        lost++;
      }
    }
    return lost;
  }

  /** Runs beyond the first of any event. */
  int duplicates() {
    return runs.values().stream().mapToInt(r -> r - 1).sum();
  }
}

package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A fresh emulator on a free port for each test, and a client that speaks to it over HTTP. */
final class RunningEmulator implements BeforeEachCallback, AfterEachCallback {
  private final Consumer<FlyEmulator> setup;
  private Path dir;
  private FlyEmulator fly;
  private EmulatorHttp http;

  RunningEmulator() {
    this(fly -> {});
  }

  /** @param setup what each test starts from: faults switched on, images mapped */
  RunningEmulator(Consumer<FlyEmulator> setup) {
    this.setup = setup;
  }

  FlyEmulator fly() {
    return fly;
  }

  EmulatorHttp http() {
    return http;
  }

  /** Waits for the machine to stop, then reads its log lines. */
  List<String> logsAfterExit(String id) {
    assertEquals(200, http.machines("GET", "/" + id + "/wait?state=stopped&timeout=10", null).status());
    List<String> lines = new ArrayList<>();
    for (JsonNode entry : http.get("/api/v1/apps/app/logs?instance=" + id).body().path("data")) {
      lines.add(entry.path("attributes").path("message").asText());
    }
    return lines;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    dir = Files.createTempDirectory("lambdo-emulator");
    fly = new FlyEmulator(0, EmulatorHttp.TOKEN, dir);
    setup.accept(fly);
    http = new EmulatorHttp(fly);
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    fly.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}

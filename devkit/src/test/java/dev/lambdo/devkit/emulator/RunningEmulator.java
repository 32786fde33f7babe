package dev.lambdo.devkit.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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

package dev.lambdo.devkit.emulator;

import dev.lambdo.config.ConfigException;
import dev.lambdo.health.HealthServer;
import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Fly emulator on its own, for Docker Compose: {@code LAMBDO_EMULATOR_PORT} (4280), {@code
 * LAMBDO_EMULATOR_TOKEN} (any when unset), {@code LAMBDO_EMULATOR_DIR} (machines' files), {@code
 * LAMBDO_EMULATOR_IMAGES} (a JSON object mapping an image to the command its CMD stands for),
 * {@code LAMBDO_EMULATOR_RATE_LIMITS} ({@code on}|{@code off}, on), {@code
 * LAMBDO_EMULATOR_BOOT_DELAY_MS} (0). Faults can be changed later over {@code /_emulator/faults}.
 */
public final class EmulatorMain {
  private static final Logger log = LoggerFactory.getLogger(EmulatorMain.class);

  private EmulatorMain() {}

  public static void main(String[] args) throws Exception {
    EmulatorSettings settings;
    try {
      settings = EmulatorSettings.fromEnv(System.getenv());
    } catch (ConfigException e) {
      log.error("{}", e.getMessage());
      System.exit(2);
      return;
    }
    FlyEmulator fly = new FlyEmulator(InetAddress.getByName("0.0.0.0"), settings.port(), settings.token(), settings.dir());
    settings.images().forEach(fly::mapImage);
    fly.faults().rateLimits(settings.rateLimits()).bootDelay(settings.bootDelay());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      fly.close();
      stopped.countDown();
    }));
    try (HealthServer health = new HealthServer(settings.healthPort(), () -> true)) {
      log.info("Fly emulator on :{} (health on :{}), machines under {}, rate limits {}, boot delay {} ms",
          settings.port(), health.port(), settings.dir(), settings.rateLimits().enabled() ? "on" : "off",
          settings.bootDelay().toMillis());
      stopped.await();
    }
  }
}

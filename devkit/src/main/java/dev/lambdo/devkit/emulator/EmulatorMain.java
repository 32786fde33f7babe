package dev.lambdo.devkit.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdo.config.ConfigException;
import dev.lambdo.config.EnvReader;
import dev.lambdo.health.HealthServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Fly emulator on its own, for Docker Compose: {@code LAMBDO_EMULATOR_PORT} (4280), {@code
 * LAMBDO_EMULATOR_TOKEN} (any when unset), {@code LAMBDO_EMULATOR_DIR} (machines' files), {@code
 * LAMBDO_EMULATOR_IMAGES} (a JSON object mapping an image to the command its CMD stands for).
 */
public final class EmulatorMain {
  private static final Logger log = LoggerFactory.getLogger(EmulatorMain.class);

  private EmulatorMain() {}

  public static void main(String[] args) throws Exception {
    EnvReader env = new EnvReader(System.getenv());
    int port = env.integer("LAMBDO_EMULATOR_PORT", 4280, 1, 65535);
    int healthPort = env.integer("LAMBDO_HEALTH_PORT", 8080, 0, 65535);
    String token = env.optional("LAMBDO_EMULATOR_TOKEN").orElse(null);
    Path dir = Path.of(env.optional("LAMBDO_EMULATOR_DIR").orElse("/tmp/lambdo-machines"));
    Map<String, List<String>> images = images(env);
    try {
      env.check();
    } catch (ConfigException e) {
      log.error("{}", e.getMessage());
      System.exit(2);
    }
    FlyEmulator fly = new FlyEmulator(InetAddress.getByName("0.0.0.0"), port, token, dir);
    images.forEach(fly::mapImage);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      fly.close();
      stopped.countDown();
    }));
    try (HealthServer health = new HealthServer(healthPort, () -> true)) {
      log.info("Fly emulator on :{} (health on :{}), machines under {}", port, health.port(), dir);
      stopped.await();
    }
  }

  private static Map<String, List<String>> images(EnvReader env) {
    String raw = env.optional("LAMBDO_EMULATOR_IMAGES").orElse("{}");
    try {
      JsonNode node = new ObjectMapper().readTree(raw);
      Map<String, List<String>> images = new HashMap<>();
      node.properties().forEach(e -> {
        List<String> command = new ArrayList<>();
        e.getValue().forEach(a -> command.add(a.asText()));
        images.put(e.getKey(), command);
      });
      return images;
    } catch (Exception e) {
      env.problem("LAMBDO_EMULATOR_IMAGES must be a JSON object of image → command array: " + e.getMessage());
      return Map.of();
    }
  }
}

package dev.lambdo.devkit.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lambdo.config.EnvReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How {@link EmulatorMain} runs, from env; every bad setting is named in one startup error.
 *
 * @param token what clients must send; null accepts any
 * @param images image → the command its CMD stands for
 * @param rateLimits Fly's limits, on unless {@code LAMBDO_EMULATOR_RATE_LIMITS=off}: the standalone
 *     emulator stands in for Fly, so it is as strict as Fly unless told otherwise
 */
public record EmulatorSettings(
    int port, int healthPort, String token, Path dir, Map<String, List<String>> images,
    RateLimits rateLimits, Duration bootDelay) {
  public static final int DEFAULT_PORT = 4280;
  public static final int DEFAULT_HEALTH_PORT = 8080;
  public static final Path DEFAULT_DIR = Path.of("/tmp/lambdo-machines");
  public static final int MAX_BOOT_DELAY_MS = 600_000;

  private enum OnOff { ON, OFF }

  public EmulatorSettings {
    images = Map.copyOf(images);
  }

  /** @throws dev.lambdo.config.ConfigException naming every bad setting */
  public static EmulatorSettings fromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    int port = env.integer("LAMBDO_EMULATOR_PORT", DEFAULT_PORT, 1, 65535);
    int healthPort = env.integer("LAMBDO_HEALTH_PORT", DEFAULT_HEALTH_PORT, 0, 65535);
    String token = env.optional("LAMBDO_EMULATOR_TOKEN").orElse(null);
    Path dir = env.optional("LAMBDO_EMULATOR_DIR").map(Path::of).orElse(DEFAULT_DIR);
    Map<String, List<String>> images = images(env);
    OnOff limits = env.choice("LAMBDO_EMULATOR_RATE_LIMITS", OnOff.class, OnOff.ON);
    int bootDelayMs = env.integer("LAMBDO_EMULATOR_BOOT_DELAY_MS", 0, 0, MAX_BOOT_DELAY_MS);
    env.check();
    return new EmulatorSettings(port, healthPort, token, dir, images,
        RateLimits.FLY.enabled(limits == OnOff.ON), Duration.ofMillis(bootDelayMs));
  }

  /**
   * Only {@code LAMBDO_EMULATOR_IMAGES}, for the dev command, whose emulator has its own port and limits.
   *
   * @throws dev.lambdo.config.ConfigException when it is not a JSON object of image → command array
   */
  public static Map<String, List<String>> imagesFromEnv(Map<String, String> environment) {
    EnvReader env = new EnvReader(environment);
    Map<String, List<String>> images = images(env);
    env.check();
    return images;
  }

  private static Map<String, List<String>> images(EnvReader env) {
    String raw = env.optional("LAMBDO_EMULATOR_IMAGES").orElse("{}");
    try {
      JsonNode node = JsonHttp.JSON.readTree(raw);
      if (!node.isObject()) {
        throw new IllegalArgumentException("not an object");
      }
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

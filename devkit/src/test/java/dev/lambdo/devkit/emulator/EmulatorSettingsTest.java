package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.ConfigException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmulatorSettingsTest {
  @Test
  void theStandaloneEmulatorEnforcesFlysLimitsAndBootsAtOnceByDefault() {
    EmulatorSettings settings = EmulatorSettings.fromEnv(Map.of());
    assertEquals(RateLimits.FLY, settings.rateLimits());
    assertEquals(Duration.ZERO, settings.bootDelay());
    assertEquals(EmulatorSettings.DEFAULT_PORT, settings.port());
  }

  @Test
  void limitsAndBootDelayComeFromEnv() {
    EmulatorSettings settings = EmulatorSettings.fromEnv(Map.of(
        "LAMBDO_EMULATOR_RATE_LIMITS", "off", "LAMBDO_EMULATOR_BOOT_DELAY_MS", "2500",
        "LAMBDO_EMULATOR_IMAGES", "{\"alpine:3\":[\"sh\",\"-c\",\"true\"]}"));
    assertFalse(settings.rateLimits().enabled());
    assertEquals(Duration.ofMillis(2500), settings.bootDelay());
    assertEquals(List.of("sh", "-c", "true"), settings.images().get("alpine:3"));
  }

  @Test
  void everyBadSettingIsNamedInOneError() {
    ConfigException e = assertThrows(ConfigException.class, () -> EmulatorSettings.fromEnv(Map.of(
        "LAMBDO_EMULATOR_RATE_LIMITS", "maybe", "LAMBDO_EMULATOR_BOOT_DELAY_MS", "-5",
        "LAMBDO_EMULATOR_IMAGES", "[]")));
    assertEquals(3, e.problems().size(), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_EMULATOR_RATE_LIMITS must be one of [on, off], was 'maybe'"), e.getMessage());
    assertTrue(e.getMessage().contains("LAMBDO_EMULATOR_BOOT_DELAY_MS must be between 0 and 600000, was -5"), e.getMessage());
  }

  @Test
  void theDevCommandTakesTheImageMappingFromTheSameVariable() {
    Map<String, List<String>> images = EmulatorSettings.imagesFromEnv(Map.of(
        "LAMBDO_EMULATOR_IMAGES", "{\"my/app:1\":[\"node\",\"index.js\"]}", "LAMBDO_EMULATOR_PORT", "not read"));
    assertEquals(Map.of("my/app:1", List.of("node", "index.js")), images);

    ConfigException e = assertThrows(ConfigException.class,
        () -> EmulatorSettings.imagesFromEnv(Map.of("LAMBDO_EMULATOR_IMAGES", "[]")));
    assertTrue(e.getMessage().contains("LAMBDO_EMULATOR_IMAGES must be a JSON object"), e.getMessage());
  }
}

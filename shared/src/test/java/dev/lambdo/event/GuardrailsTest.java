package dev.lambdo.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.EnvReader;
import dev.lambdo.sqs.MessageAttribute;
import dev.lambdo.sqs.ReceivedMessage;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The operator's fences: a message beyond one is rejected with a reason, as a bad message is. */
class GuardrailsTest {
  private final MessageParser parser = new MessageParser(1000);

  private static Guardrails guardrails(String... settings) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < settings.length; i += 2) {
      env.put(settings[i], settings[i + 1]);
    }
    EnvReader reader = new EnvReader(env);
    Guardrails guardrails = Guardrails.read(reader);
    reader.check();
    return guardrails;
  }

  /** A message for {@code image} with the other attributes given as name, value pairs. */
  private ParsedMessage message(String image, String... attributes) {
    Map<String, MessageAttribute> attrs = new HashMap<>();
    attrs.put("image", MessageAttribute.string(image));
    for (int i = 0; i < attributes.length; i += 2) {
      attrs.put(attributes[i], MessageAttribute.string(attributes[i + 1]));
    }
    return parser.parse(new ReceivedMessage("m-1", "rh-1", "{}", attrs, 1));
  }

  private static MachineSpec accepted(ParsedMessage parsed) {
    return assertInstanceOf(ParsedMessage.Accepted.class, parsed, parsed.toString()).spec();
  }

  private static String rejected(ParsedMessage parsed) {
    return assertInstanceOf(ParsedMessage.Rejected.class, parsed, parsed.toString()).reason();
  }

  @Test
  void withoutSettingsNothingIsFenced() {
    Guardrails none = guardrails();
    ParsedMessage big = message("any/image:latest", "size", "a100-80gb", "timeout", "604800", "retries", "10",
        "region", "syd");

    assertEquals(Guardrails.NONE, none);
    assertSame(big, none.apply(big));
  }

  @Test
  void onlyImagesMatchingAnAllowedPatternRun() {
    Guardrails fence = guardrails("LAMBDO_ALLOWED_IMAGES", "registry.fly.io/myorg/*, alpine:3");

    accepted(fence.apply(message("registry.fly.io/myorg/app:v3")));
    accepted(fence.apply(message("alpine:3")));
    String reason = rejected(fence.apply(message("alpine:3.19")));
    rejected(fence.apply(message("registry.fly.io/other/app:v3")));

    assertEquals("image 'alpine:3.19' is not allowed here (LAMBDO_ALLOWED_IMAGES: registry.fly.io/myorg/*, alpine:3)",
        reason);
  }

  @Test
  void aSizeOrGuestBeyondTheLargestIsRejected() {
    Guardrails fence = guardrails("LAMBDO_MAX_SIZE", "shared-cpu-2x");

    accepted(fence.apply(message("img", "size", "shared-cpu-1x")));
    accepted(fence.apply(message("img", "size", "shared-cpu-2x")));
    String reason = rejected(fence.apply(message("img", "size", "shared-cpu-4x")));
    rejected(fence.apply(message("img", "size", "shared-cpu-1x", "memory_mb", "1024")));
    rejected(fence.apply(message("img", "size", "shared-cpu-1x", "cpus", "4")));
    rejected(fence.apply(message("img", "size", "performance-1x")));
    rejected(fence.apply(message("img", "size", "a10")));

    assertEquals("size shared-cpu-4x (4 shared CPU(s), 1024 MB) is larger than LAMBDO_MAX_SIZE shared-cpu-2x"
        + " (2 shared CPU(s), 512 MB)", reason);
  }

  @Test
  void aMessageThatNamesNoSizeGetsTheLargestAllowedWhenTheDefaultIsBeyondIt() {
    MachineSpec spec = accepted(guardrails("LAMBDO_MAX_SIZE", "shared-cpu-2x").apply(message("img")));

    assertEquals("shared-cpu-2x", spec.size());
    assertEquals(Sizes.preset("shared-cpu-2x").orElseThrow(), spec.guest());
    assertEquals(Sizes.DEFAULT, accepted(guardrails("LAMBDO_MAX_SIZE", "performance-8x").apply(message("img"))).size());
  }

  @Test
  void aLargerGpuSizeAllowsItsGpu() {
    Guardrails fence = guardrails("LAMBDO_MAX_SIZE", "a100-40gb");

    accepted(fence.apply(message("img", "size", "a10")));
    accepted(fence.apply(message("img", "size", "performance-8x")));
    rejected(fence.apply(message("img", "size", "performance-16x")));
  }

  @Test
  void aTimeoutBeyondTheLongestIsRejectedAndTheDefaultIsLowered() {
    Guardrails fence = guardrails("LAMBDO_MAX_TIMEOUT", "600");

    assertEquals(600, accepted(fence.apply(message("img", "timeout", "600"))).timeoutSeconds());
    assertEquals(600, accepted(fence.apply(message("img"))).timeoutSeconds());
    assertEquals("timeout 601 s is longer than LAMBDO_MAX_TIMEOUT 600 s",
        rejected(fence.apply(message("img", "timeout", "601"))));
  }

  @Test
  void retriesBeyondTheMostAreRejectedAndTheDefaultIsLowered() {
    Guardrails fence = guardrails("LAMBDO_MAX_RETRIES", "1");

    assertEquals(1, accepted(fence.apply(message("img", "retries", "1"))).retries());
    assertEquals(1, accepted(fence.apply(message("img"))).retries());
    assertEquals("retries 3 is more than LAMBDO_MAX_RETRIES 1", rejected(fence.apply(message("img", "retries", "3"))));
  }

  @Test
  void onlyAllowedRegionsAndAMessageWithoutOneGetsThem() {
    Guardrails fence = guardrails("LAMBDO_ALLOWED_REGIONS", "iad,dfw");

    assertEquals("dfw", accepted(fence.apply(message("img", "region", "dfw"))).region());
    assertEquals("iad,dfw", accepted(fence.apply(message("img"))).region(), "else Fly could place it anywhere");
    assertEquals("region 'iad,ams' names ams, not in LAMBDO_ALLOWED_REGIONS iad,dfw",
        rejected(fence.apply(message("img", "region", "iad,ams"))));
  }

  @Test
  void everyFenceAMessagePassesIsNamedInOneReason() {
    Guardrails fence = guardrails("LAMBDO_ALLOWED_IMAGES", "alpine:3", "LAMBDO_MAX_RETRIES", "0",
        "LAMBDO_MAX_TIMEOUT", "60");

    String reason = rejected(fence.apply(message("evil:1", "retries", "2", "timeout", "61")));

    assertTrue(reason.contains("image 'evil:1'") && reason.contains("retries 2") && reason.contains("timeout 61"),
        reason);
  }

  @Test
  void aMessageBeyondTheFencesIsRejectedForTheGuardrails() {
    ParsedMessage parsed = guardrails("LAMBDO_ALLOWED_IMAGES", "alpine:3").apply(message("evil:1"));
    assertEquals(ParsedMessage.Cause.GUARDRAIL, assertInstanceOf(ParsedMessage.Rejected.class, parsed).cause());
  }

  @Test
  void aMessageAlreadyRejectedKeepsItsReason() {
    ParsedMessage bad = message("img", "size", "huge");

    assertSame(bad, guardrails("LAMBDO_MAX_SIZE", "shared-cpu-1x").apply(bad));
  }

  @Test
  void aReplayIsHeldToTheFencesAsIfItNamedEverySetting() {
    Guardrails fence = guardrails("LAMBDO_ALLOWED_IMAGES", "alpine:3", "LAMBDO_MAX_RETRIES", "1");
    MachineSpec ranBeforeTheFence = accepted(message("evil:1"));
    MachineSpec withinIt = accepted(message("alpine:3", "retries", "1"));

    assertEquals(Optional.of("image 'evil:1' is not allowed here (LAMBDO_ALLOWED_IMAGES: alpine:3);"
        + " retries 2 is more than LAMBDO_MAX_RETRIES 1"), fence.refusal(ranBeforeTheFence));
    assertEquals(Optional.empty(), fence.refusal(withinIt));
  }
}

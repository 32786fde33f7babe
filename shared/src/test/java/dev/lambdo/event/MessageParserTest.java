package dev.lambdo.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.sqs.MessageAttribute;
import dev.lambdo.sqs.ReceivedMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MessageParserTest {
  private static final int MAX_EVENT_BYTES = 1000;
  private final MessageParser parser = new MessageParser(MAX_EVENT_BYTES);

  private static ReceivedMessage message(String body, Map<String, MessageAttribute> attributes) {
    return new ReceivedMessage("m-1", "rh-1", body, attributes, 1);
  }

  private static Map<String, MessageAttribute> attrs(String... pairs) {
    Map<String, MessageAttribute> map = new HashMap<>();
    map.put("image", MessageAttribute.string("registry.fly.io/app:v1"));
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i + 1] == null) {
        map.remove(pairs[i]);
      } else {
        map.put(pairs[i], MessageAttribute.string(pairs[i + 1]));
      }
    }
    return map;
  }

  @Test
  void acceptsLambdoMessageWithDefaults() {
    ParsedMessage parsed = parser.parse(message("{\"n\":1}", attrs()));
    ParsedMessage.Accepted accepted = assertInstanceOf(ParsedMessage.Accepted.class, parsed);
    MachineSpec spec = accepted.spec();
    assertEquals("registry.fly.io/app:v1", spec.image());
    assertEquals("performance-2x", spec.size());
    assertEquals(Guest.cpu("performance", 2, 4096), spec.guest());
    assertNull(spec.command(), "absent command runs the image's CMD");
    assertEquals(MachineSpec.DEFAULT_RETRIES, spec.retries());
    assertEquals("{\"n\":1}", accepted.event().body());
    assertEquals("rh-1", accepted.event().receiptHandle());
  }

  @Test
  void readsEveryOptionalAttribute() {
    ParsedMessage parsed = parser.parse(message("[1,2]", attrs(
        "size", "shared-cpu-2x", "command", "[\"node\",\"index.js\"]", "region", "iad, dfw",
        "env", "{\"MODE\":\"fast\"}", "timeout", "120", "retries", "0")));
    MachineSpec spec = assertInstanceOf(ParsedMessage.Accepted.class, parsed).spec();
    assertEquals(List.of("node", "index.js"), spec.command());
    assertEquals("iad,dfw", spec.region());
    assertEquals(List.of("iad", "dfw"), spec.regions());
    assertEquals(Map.of("MODE", "fast"), spec.env());
    assertEquals(120, spec.timeoutSeconds());
    assertEquals(0, spec.retries());
    assertEquals(Guest.cpu("shared", 2, 512), spec.guest());
  }

  @Test
  void guestAttributesOverrideTheSize() {
    ParsedMessage parsed = parser.parse(message("{}", attrs("size", "shared-cpu-1x", "cpus", "4", "memory_mb", "2048")));
    MachineSpec spec = assertInstanceOf(ParsedMessage.Accepted.class, parsed).spec();
    assertEquals(Guest.cpu("shared", 4, 2048), spec.guest());
    assertEquals("custom", spec.size());

    ParsedMessage gpu = parser.parse(message("{}", attrs("size", "performance-8x", "gpu_kind", "l40s")));
    assertEquals(new Guest("performance", 8, 16384, "l40s", 1), assertInstanceOf(ParsedMessage.Accepted.class, gpu).spec().guest());
  }

  @Test
  void numberDataTypeIsAcceptedForNumbers() {
    Map<String, MessageAttribute> a = attrs();
    a.put("timeout", new MessageAttribute("Number", "30"));
    a.put("command", new MessageAttribute("String.json", "[\"true\"]"));
    ParsedMessage parsed = parser.parse(message("1", a));
    assertEquals(30, assertInstanceOf(ParsedMessage.Accepted.class, parsed).spec().timeoutSeconds());
  }

  static Stream<Arguments> badMessages() {
    String big = "\"" + "x".repeat(MAX_EVENT_BYTES) + "\"";
    return Stream.of(
        Arguments.of("not JSON", "{oops", attrs(), "body is not JSON"),
        Arguments.of("two values", "{} {}", attrs(), "not one JSON value"),
        Arguments.of("empty body", "", attrs(), "body is empty"),
        Arguments.of("blank body", "  ", attrs(), "body is empty"),
        Arguments.of("oversize", big, attrs(), "events file holds at most 1000"),
        Arguments.of("no image", "{}", attrs("image", null), "attribute 'image' is required"),
        Arguments.of("blank image", "{}", attrs("image", " "), "attribute 'image' is empty"),
        Arguments.of("image with spaces", "{}", attrs("image", "my image"), "not an image reference"),
        Arguments.of("command not JSON", "{}", attrs("command", "node index.js"), "it is not JSON: Unrecognized token 'node'"),
        Arguments.of("command an object", "{}", attrs("command", "{\"a\":1}"), "was a JSON object"),
        Arguments.of("command with a number", "{}", attrs("command", "[\"sleep\",5]"), "element 1 is a number"),
        Arguments.of("command empty", "{}", attrs("command", "[]"), "empty array"),
        Arguments.of("unknown size", "{}", attrs("size", "huge"), "'huge' is not a Fly size"),
        Arguments.of("bad region", "{}", attrs("region", "iad;rm -rf"), "attribute 'region' must be region codes"),
        Arguments.of("empty region entry", "{}", attrs("region", "iad,,dfw"), "had '' in"),
        Arguments.of("env not an object", "{}", attrs("env", "[1]"), "was a JSON array"),
        Arguments.of("env number value", "{}", attrs("env", "{\"N\":1}"), "value of N must be a string"),
        Arguments.of("env bad name", "{}", attrs("env", "{\"1X\":\"a\"}"), "invalid variable name '1X'"),
        Arguments.of("env reserved", "{}", attrs("env", "{\"EVENTS_PATH\":\"/x\"}"), "may not set EVENTS_PATH"),
        Arguments.of("timeout zero", "{}", attrs("timeout", "0"), "'timeout' must be between 1 and"),
        Arguments.of("timeout text", "{}", attrs("timeout", "soon"), "'timeout' must be a whole number, was 'soon'"),
        Arguments.of("retries too many", "{}", attrs("retries", "11"), "'retries' must be between 0 and 10"),
        Arguments.of("cpus too many", "{}", attrs("cpus", "64"), "'cpus' must be between 1 and 16"),
        Arguments.of("memory not multiple", "{}", attrs("size", "shared-cpu-1x", "memory_mb", "300"), "multiple of 256"),
        Arguments.of("memory too small for kind", "{}", attrs("cpu_kind", "performance", "cpus", "2", "memory_mb", "1024"),
            "memory_mb 1024 is out of range for 2 performance CPU(s): 4096 to 16384 MB"),
        Arguments.of("unknown cpu kind", "{}", attrs("cpu_kind", "turbo"), "'cpu_kind' must be shared or performance"),
        Arguments.of("unknown gpu", "{}", attrs("gpu_kind", "h100"), "'gpu_kind' must be one of"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badMessages")
  void rejectsWithASpecificReason(String name, String body, Map<String, MessageAttribute> attributes, String reason) {
    ParsedMessage parsed = parser.parse(message(body, attributes));
    ParsedMessage.Rejected rejected = assertInstanceOf(ParsedMessage.Rejected.class, parsed, name);
    assertTrue(rejected.reason().contains(reason), () -> "expected '" + reason + "' in: " + rejected.reason());
  }

  @Test
  void acceptsDeepNestingAndLongNumbersAsTheGoOriginalDoes() {
    MessageParser roomy = new MessageParser(1_000_000);
    String deep = "[".repeat(2000) + "]".repeat(2000);
    assertInstanceOf(ParsedMessage.Accepted.class, roomy.parse(message(deep, attrs())));
    String longNumber = "{\"n\":" + "7".repeat(1500) + "}";
    assertInstanceOf(ParsedMessage.Accepted.class, roomy.parse(message(longNumber, attrs())));
  }

  @Test
  void jsonErrorsSayWhereWithoutTheParsersInternals() {
    String reason = assertInstanceOf(ParsedMessage.Rejected.class, parser.parse(message("{\"a\":\n  oops}", attrs()))).reason();
    assertTrue(reason.startsWith("body is not JSON: "), reason);
    assertTrue(reason.contains("line 2, column 3"), reason);
    for (String leak : List.of("Source:", "REDACTED", "StreamReadFeature", "StreamReadConstraints", "Jackson", "\n")) {
      assertTrue(!reason.contains(leak), "'" + leak + "' in: " + reason);
    }
    String command = assertInstanceOf(ParsedMessage.Rejected.class,
        parser.parse(message("{}", attrs("command", "[\"a\",")))).reason();
    assertTrue(!command.contains("Source:") && !command.contains("REDACTED"), command);
  }

  @Test
  void anAttributeNameInTheWrongCaseGetsAHint() {
    Map<String, MessageAttribute> attributes = attrs("image", null);
    attributes.put("Image", MessageAttribute.string("alpine:3"));
    String reason = assertInstanceOf(ParsedMessage.Rejected.class, parser.parse(message("{}", attributes))).reason();
    assertTrue(reason.contains("attribute 'image' is required") && reason.contains("'Image'")
        && reason.contains("case-sensitive"), reason);
  }

  @Test
  void wrongDataTypeIsNamed() {
    Map<String, MessageAttribute> a = attrs();
    a.put("image", new MessageAttribute("Binary", null));
    a.put("retries", new MessageAttribute("Binary", null));
    String reason = assertInstanceOf(ParsedMessage.Rejected.class, parser.parse(message("{}", a))).reason();
    assertTrue(reason.contains("attribute 'image' must have DataType String, was Binary"), reason);
    assertTrue(reason.contains("attribute 'retries' must have DataType Number or String, was Binary"), reason);
  }

  @Test
  void reportsEveryProblemAtOnce() {
    String reason = assertInstanceOf(ParsedMessage.Rejected.class,
        parser.parse(message("nope", attrs("image", null, "size", "huge")))).reason();
    assertTrue(reason.contains("body is not JSON"), reason);
    assertTrue(reason.contains("'image' is required"), reason);
    assertTrue(reason.contains("'huge' is not a Fly size"), reason);
  }

  /** The bounded label of lambdo_messages_rejected_total: the first thing wrong, in a few words. */
  @Test
  void aRejectionSaysWhatKindOfThingIsWrong() {
    assertEquals(ParsedMessage.Cause.BODY, cause(parser.parse(message("not json", attrs()))));
    assertEquals(ParsedMessage.Cause.BODY, cause(parser.parse(message("not json", attrs("image", null)))), "the body comes first");
    assertEquals(ParsedMessage.Cause.IMAGE, cause(parser.parse(message("{}", attrs("image", null)))));
    assertEquals(ParsedMessage.Cause.IMAGE, cause(parser.parse(message("{}", attrs("image", "not an image!")))));
    assertEquals(ParsedMessage.Cause.ATTRIBUTE, cause(parser.parse(message("{}", attrs("command", "node index.js")))));
    assertEquals(ParsedMessage.Cause.ATTRIBUTE, cause(parser.parse(message("{}", attrs("size", "huge")))));
    assertEquals("body", ParsedMessage.Cause.BODY.label());
  }

  private static ParsedMessage.Cause cause(ParsedMessage parsed) {
    return assertInstanceOf(ParsedMessage.Rejected.class, parsed, parsed.toString()).cause();
  }

  @Test
  void theEventKeepsWhenSqsTookTheMessage() {
    ReceivedMessage sent = new ReceivedMessage("m-1", "rh-1", "{}", attrs(), 1, 1_700_000_000_123L);
    assertEquals(1_700_000_000_123L, assertInstanceOf(ParsedMessage.Accepted.class, parser.parse(sent)).event().sentAtMs());
  }
}

package dev.lambdo.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.MessageParser;
import dev.lambdo.event.ParsedMessage;
import dev.lambdo.sqs.MessageAttribute;
import dev.lambdo.sqs.ReceivedMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An event is built in plain terms and is, by construction, a message the poller accepts. */
class EventTest {
  /** What the poller makes of the event once SQS delivers it with these attributes. */
  private static MachineSpec asThePollerSeesIt(Event event) {
    Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
    event.attributes().forEach((name, value) -> attributes.put(name, MessageAttribute.string(value)));
    ParsedMessage parsed = MessageParser.forEventsFile(256 * 1024)
        .parse(new ReceivedMessage("m", "h", event.body(), attributes, 1));
    return assertInstanceOf(ParsedMessage.Accepted.class, parsed, parsed.toString()).spec();
  }

  @Test
  void aCommandOfPlainWordsIsSentAsTheJsonArrayThePollerReads() {
    Event event = Event.builder("{\"say\":\"it's \\\"quoted\\\" — ünïcödé ✓\"}")
        .image("alpine:3")
        .size("shared-cpu-1x")
        .command("sh", "-c", "echo \"got it\"; cat $EVENTS_PATH")
        .build();

    assertEquals("[\"sh\",\"-c\",\"echo \\\"got it\\\"; cat $EVENTS_PATH\"]", event.attributes().get("command"));
    MachineSpec spec = asThePollerSeesIt(event);
    assertEquals("alpine:3", spec.image());
    assertEquals("shared-cpu-1x", spec.size());
    assertEquals(List.of("sh", "-c", "echo \"got it\"; cat $EVENTS_PATH"), spec.command());
    assertEquals(spec, event.spec(), "the spec the event reports is the poller's");
  }

  @Test
  void envAndTheOtherSettingsBecomeTheirAttributes() {
    Event event = Event.builder("[]")
        .image("registry.fly.io/app:v3")
        .env("MODE", "fast")
        .env("GREETING", "hello = world")
        .region("iad,dfw")
        .timeoutSeconds(120)
        .retries(0)
        .attribute("trace_id", "abc-123")
        .build();

    MachineSpec spec = asThePollerSeesIt(event);
    assertEquals(Map.of("MODE", "fast", "GREETING", "hello = world"), spec.env());
    assertEquals("iad,dfw", spec.region());
    assertEquals(120, spec.timeoutSeconds());
    assertEquals(0, spec.retries());
    assertEquals("abc-123", event.attributes().get("trace_id"), "other attributes travel as given");
  }

  @Test
  void whatThePollerWouldRejectIsRefusedBeforeSendingWithThePollersReason() {
    InvalidEventException e = assertThrows(InvalidEventException.class,
        () -> Event.builder("{not json").size("huge").env("EVENTS_PATH", "/x").build());

    assertTrue(e.getMessage().startsWith("body is not JSON: "), e.getMessage());
    assertTrue(e.getMessage().contains("attribute 'image' is required"), e.getMessage());
    assertTrue(e.getMessage().contains("attribute 'size' 'huge' is not a Fly size"), e.getMessage());
    assertTrue(e.getMessage().contains("may not set EVENTS_PATH"), e.getMessage());
  }

  @Test
  void anAttributeGivenTwiceDifferentlyIsRefused() {
    InvalidEventException e = assertThrows(InvalidEventException.class,
        () -> Event.builder("{}").image("alpine:3").attribute("image", "node:22").build());

    assertEquals("attribute 'image' is given twice: 'alpine:3' and 'node:22'", e.getMessage());
  }

  @Test
  void moreAttributesThanSqsTakesAreRefused() {
    Event.Builder builder = Event.builder("{}").image("alpine:3");
    for (int i = 0; i < 10; i++) {
      builder.attribute("a" + i, "v");
    }

    InvalidEventException e = assertThrows(InvalidEventException.class, builder::build);

    assertTrue(e.getMessage().contains("11 attributes; SQS takes at most 10"), e.getMessage());
  }

  @Test
  void aBodyLargerThanTheEventsFileIsRefused() {
    String body = "\"" + "x".repeat(2000) + "\"";

    InvalidEventException e = assertThrows(InvalidEventException.class,
        () -> Event.builder(body).image("alpine:3").eventsFileBytes(1024).build());

    assertTrue(e.getMessage().contains("body is 2002 bytes; one machine's events file holds at most 1022"), e.getMessage());
  }
}

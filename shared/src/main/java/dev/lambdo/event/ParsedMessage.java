package dev.lambdo.event;

import dev.lambdo.sqs.ReceivedMessage;
import java.util.Locale;

/** What parsing made of a message: an event to run, or the reason it cannot run. */
public sealed interface ParsedMessage {
  ReceivedMessage message();

  record Accepted(ReceivedMessage message, QueuedEvent event, MachineSpec spec)
      implements ParsedMessage {}

  /**
   * @param reason every problem, in the sender's terms: what the DLQ copy and the log carry
   * @param cause the kind of the first problem: a metric's label, so a fixed few
   */
  record Rejected(ReceivedMessage message, String reason, Cause cause) implements ParsedMessage {}

  /** What kind of thing keeps a message from running. */
  enum Cause {
    /** Empty, not one JSON value, or too large. */
    BODY,
    /** No {@code image} attribute, or not an image reference. */
    IMAGE,
    /** Any other attribute: {@code command}, {@code size}, {@code env}, a wrong data type... */
    ATTRIBUTE,
    /** Beyond an operator's fence ({@link Guardrails}). */
    GUARDRAIL;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}

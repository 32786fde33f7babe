package dev.lambdo.event;

import dev.lambdo.sqs.ReceivedMessage;

/** What parsing made of a message: an event to run, or the reason it cannot run. */
public sealed interface ParsedMessage {
  ReceivedMessage message();

  record Accepted(ReceivedMessage message, QueuedEvent event, MachineSpec spec)
      implements ParsedMessage {}

  record Rejected(ReceivedMessage message, String reason) implements ParsedMessage {}
}

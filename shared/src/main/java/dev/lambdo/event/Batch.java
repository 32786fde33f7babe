package dev.lambdo.event;

import dev.lambdo.config.OnFailure;
import dev.lambdo.workflow.BatchProgress;
import dev.lambdo.workflow.FirstCreate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Events that run together on one machine: the input of a batch workflow.
 *
 * @param visibilitySeconds how long each renewal keeps the messages hidden while the batch runs
 * @param slots legacy: the machine slots workflow earlier pollers had a batch ask before creating a
 *     machine; today's pollers leave it null (the limit is theirs), so the create comes first
 * @param replayOf the failed batch workflow this one re-runs; its messages were settled then
 * @param progress where an earlier run of the same workflow stood when it continued as new;
 *     null for a batch's first run
 * @param firstCreate the first machine's create its poller sent before the start; null for none
 */
public record Batch(
    String queueUrl,
    MachineSpec spec,
    List<QueuedEvent> events,
    OnFailure onFailure,
    int visibilitySeconds,
    String slots,
    String replayOf,
    BatchProgress progress,
    FirstCreate firstCreate) {
  public static final int DEFAULT_VISIBILITY_SECONDS = 300;

  public Batch(String queueUrl, MachineSpec spec, List<QueuedEvent> events, OnFailure onFailure,
      int visibilitySeconds, String slots, String replayOf) {
    this(queueUrl, spec, events, onFailure, visibilitySeconds, slots, replayOf, null, null);
  }

  /** A batch with the default visibility and no machine limit. */
  public Batch(String queueUrl, MachineSpec spec, List<QueuedEvent> events, OnFailure onFailure) {
    this(queueUrl, spec, events, onFailure, DEFAULT_VISIBILITY_SECONDS, null, null);
  }

  /** The same events and machine, run again as a replay of {@code original}. */
  public Batch asReplayOf(String original) {
    return new Batch(queueUrl, spec, events, onFailure, visibilitySeconds, slots, original, null, null);
  }

  /** The same batch, its first machine's create sent by its poller before the start. */
  public Batch withFirstCreate(FirstCreate sent) {
    return new Batch(queueUrl, spec, events, onFailure, visibilitySeconds, slots, replayOf, progress, sent);
  }

  /**
   * The input of the next run: the newest receipt handles, and where this run stood (its machine
   * among it: the poller's first create is this run's to take up, not the next's).
   */
  public Batch continued(Map<String, String> newestReceipts, BatchProgress now) {
    List<QueuedEvent> newest = events.stream()
        .map(e -> e.withReceiptHandle(newestReceipts.getOrDefault(e.messageId(), e.receiptHandle())))
        .toList();
    return new Batch(queueUrl, spec, newest, onFailure, visibilitySeconds, slots, replayOf, now, null);
  }

  public Batch {
    Objects.requireNonNull(queueUrl, "queueUrl");
    Objects.requireNonNull(spec, "spec");
    events = List.copyOf(events);
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a batch needs at least one event");
    }
    onFailure = onFailure == null ? OnFailure.ACK : onFailure;
    if (visibilitySeconds < 3) {
      throw new IllegalArgumentException("visibilitySeconds must be >= 3, was " + visibilitySeconds);
    }
  }

  /** The same batch with only these events, in the batch's order; an id it lacks is an error. */
  public Batch only(List<String> messageIds) {
    java.util.Set<String> wanted = java.util.Set.copyOf(messageIds);
    List<QueuedEvent> kept = events.stream().filter(e -> wanted.contains(e.messageId())).toList();
    if (kept.size() != wanted.size()) {
      throw new IllegalArgumentException("not every id is an event of this batch: " + messageIds);
    }
    return new Batch(queueUrl, spec, kept, onFailure, visibilitySeconds, slots, replayOf, progress, firstCreate);
  }

  /**
   * Every message received for the first time: no batch can have run any of them yet, so a start
   * of this batch makes its first run (SQS's rare duplicate delivery aside).
   */
  public boolean firstReceive() {
    return events.stream().allMatch(e -> e.receiveCount() <= 1);
  }

  public List<String> messageIds() {
    return events.stream().map(QueuedEvent::messageId).toList();
  }

  /** The bodies as one JSON array: what the machine reads from /tmp/events.json. */
  public String eventsJson() {
    return eventsJson(events);
  }

  public static String eventsJson(List<QueuedEvent> events) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < events.size(); i++) {
      // As sent: whitespace around a JSON value is still JSON, and the machine sees the body whole.
      json.append(i == 0 ? "" : ",").append(events.get(i).body());
    }
    return json.append(']').toString();
  }

  /** One line for the Web UI: "3 events → registry.fly.io/app:tag on performance-2x". */
  public String summary() {
    return events.size() + (events.size() == 1 ? " event → " : " events → ") + spec.image()
        + " on " + spec.size() + (spec.region() == null ? "" : " in " + spec.region());
  }
}

package dev.lambdo.replay;

import dev.lambdo.event.Batch;

/** What replaying one batch comes to, before anything is started. */
public sealed interface Decision {
  /** The batch as the user knows it: a replay's original, never the replay. */
  String original();

  /** Replay it: a new workflow {@code replayId} with the original's events and machine. */
  record Replay(String original, String replayId, Batch batch, String taskQueue) implements Decision {}

  /** Nothing to do, and that is fine: already replayed, still running, or it succeeded. */
  record Skip(String original, String reason) implements Decision {}

  /** It cannot be replayed: no such workflow, not a batch, or beyond the guardrails. */
  record Refuse(String original, String reason) implements Decision {}
}

package dev.lambdo.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit codes of every lambdo command, and what each means: the one list help prints. */
public final class Exit {
  public static final int OK = 0;
  /** Replay only: a batch could not be replayed; the others named or matched were. */
  public static final int NOT_ALL_REPLAYED = 1;
  /** Nothing was sent or started: an option, the event, the query or a setting is wrong. */
  public static final int USAGE = 2;
  /** SQS or Temporal could not be reached or refused the call. */
  public static final int UNREACHABLE = 3;
  /** A bug in lambdo: the one case that prints a stack trace. */
  public static final int BUG = 70;

  private Exit() {}

  /** For help: every code of {@code lambdo}, or of a command that cannot end with 1. */
  static Map<String, String> descriptions(boolean withReplayFailures) {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(Integer.toString(OK), withReplayFailures
        ? "done: sent, or every batch replayed or skipped as needing nothing (already replayed, running, succeeded)"
        : "done");
    if (withReplayFailures) {
      codes.put(Integer.toString(NOT_ALL_REPLAYED),
          "a batch could not be replayed (no such workflow, not a batch, beyond the guardrails)");
    }
    codes.put(Integer.toString(USAGE), "nothing done: an option, the event, the query or a setting is invalid");
    codes.put(Integer.toString(UNREACHABLE), "SQS or Temporal could not be reached or refused the call");
    codes.put(Integer.toString(BUG), "a bug in lambdo (the only case with a stack trace)");
    return codes;
  }
}

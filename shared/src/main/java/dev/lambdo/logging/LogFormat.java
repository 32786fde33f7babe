package dev.lambdo.logging;

/**
 * {@code LAMBDO_LOG_FORMAT}: how the worker and poller write their logs. JSON by default, one
 * object per line with the workflow, run, activity and machine as fields, for a log shipper; text
 * for people ({@code ./lambdo dev} sets it).
 */
public enum LogFormat {
  JSON,
  TEXT;

  public static final String VARIABLE = "LAMBDO_LOG_FORMAT";

  /** What a value names; an unknown one falls back to JSON here and is a startup error in the config. */
  static LogFormat of(String value) {
    return value != null && value.strip().equalsIgnoreCase("text") ? TEXT : JSON;
  }
}

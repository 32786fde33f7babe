package dev.lambdo.workflow;

import java.util.List;

/**
 * The last lines a machine printed.
 *
 * @param truncated earlier lines were dropped to stay far below Temporal's payload limit
 * @param complete the init's exit line was seen, so no line is missing at the end
 */
public record LogTail(List<String> lines, boolean truncated, boolean complete) {
  public static final LogTail EMPTY = new LogTail(List.of(), false, false);

  public LogTail {
    lines = List.copyOf(lines);
  }

  public String text() {
    return String.join("\n", lines);
  }
}

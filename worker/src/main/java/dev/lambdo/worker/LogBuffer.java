package dev.lambdo.worker;

import dev.lambdo.workflow.LogTail;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;

/** The newest lines of a log within a line and byte budget; older lines fall off the front. */
final class LogBuffer {
  private final int maxLines;
  private final int maxBytes;
  private final Deque<String> lines = new ArrayDeque<>();
  private int bytes;
  private boolean truncated;
  private boolean sawExit;

  LogBuffer(int maxLines, int maxBytes) {
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
  }

  void add(String line) {
    if (line.contains(MachineActivitiesImpl.INIT_EXIT_LINE)) {
      sawExit = true;
    }
    int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
    if (size > maxBytes) {
      line = line.substring(0, Math.min(line.length(), maxBytes / 2)) + " …[line cut]";
      size = line.getBytes(StandardCharsets.UTF_8).length + 1;
    }
    lines.addLast(line);
    bytes += size;
    while (lines.size() > maxLines || bytes > maxBytes) {
      bytes -= lines.removeFirst().getBytes(StandardCharsets.UTF_8).length + 1;
      truncated = true;
    }
  }

  /** The init's exit line went by, even if it has since fallen off the front. */
  boolean sawInitExit() {
    return sawExit;
  }

  int size() {
    return lines.size();
  }

  LogTail toLogTail() {
    return new LogTail(new ArrayList<>(lines), truncated, sawExit);
  }
}

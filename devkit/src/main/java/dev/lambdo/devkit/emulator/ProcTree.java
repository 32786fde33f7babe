package dev.lambdo.devkit.emulator;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A process and its descendants, read straight from /proc. {@link ProcessHandle#descendants()}
 * reads the stat file of every process on the host to find one tree, so with thousands of
 * machines each lookup costs thousands of reads; here a tree costs two small reads per process:
 * its {@code stat} (RSS and thread count) and its {@code children}.
 */
final class ProcTree {
  private static final Path PROC = Path.of("/proc");
  private static final long PAGE_KB = pageKb();

  private ProcTree() {}

  /** What one process's stat file says; absent once the process has gone. */
  record Stat(long rssKb, int threads) {}

  /** The resident memory of {@code pid} and all its descendants, in kB; 0 once it has gone. */
  static long treeRssKb(long pid) {
    long total = 0;
    Deque<Long> todo = new ArrayDeque<>(List.of(pid));
    while (!todo.isEmpty()) {
      long next = todo.pop();
      Stat stat = stat(next);
      if (stat != null) {
        total += stat.rssKb();
        todo.addAll(children(next, stat.threads()));
      }
    }
    return total;
  }

  /** Every descendant of {@code pid}, children before their own children. */
  static List<Long> descendants(long pid) {
    List<Long> out = new ArrayList<>();
    Deque<Long> todo = new ArrayDeque<>(List.of(pid));
    while (!todo.isEmpty()) {
      long next = todo.pop();
      Stat stat = stat(next);
      if (stat != null) {
        List<Long> children = children(next, stat.threads());
        out.addAll(children);
        todo.addAll(children);
      }
    }
    return out;
  }

  static Stat stat(long pid) {
    String text = read("/proc/" + pid + "/stat");
    if (text == null) {
      return null;
    }
    try {
      // The command name, in parentheses, may hold spaces: count fields from the last ')'.
      int at = text.lastIndexOf(')') + 2;
      long threads = 0;
      long rssPages = 0;
      for (int field = 3; field <= 24; field++) {
        int end = text.indexOf(' ', at);
        if (field == 20) {
          threads = Long.parseLong(text, at, end, 10);
        } else if (field == 24) {
          rssPages = Long.parseLong(text, at, end, 10);
        }
        at = end + 1;
      }
      return new Stat(rssPages * PAGE_KB, (int) threads);
    } catch (RuntimeException truncated) {
      return null;
    }
  }

  /**
   * A task's {@code children} file lists the children that task forked, so a multi-threaded
   * process (a JVM, say) needs every thread's file; the usual single-threaded one needs one.
   */
  private static List<Long> children(long pid, int threads) {
    List<Long> children = new ArrayList<>();
    if (threads <= 1) {
      parsePids(read("/proc/" + pid + "/task/" + pid + "/children"), children);
      return children;
    }
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC.resolve(pid + "/task"))) {
      for (Path task : dir) {
        parsePids(read(task.resolve("children").toString()), children);
      }
    } catch (IOException gone) {
      // The process ended while its threads were listed.
    }
    return children;
  }

  private static void parsePids(String text, List<Long> into) {
    if (text == null) {
      return;
    }
    for (String pid : text.trim().split(" ")) {
      if (!pid.isEmpty()) {
        into.add(Long.parseLong(pid));
      }
    }
  }

  /**
   * A small /proc file, read plainly: /proc files claim size 0, so the size probing of
   * Files.readAllBytes only costs system calls, and a scan makes thousands of these reads.
   */
  private static String read(String file) {
    byte[] buffer = new byte[512];
    int length = 0;
    try (FileInputStream in = new FileInputStream(file)) {
      for (int n; (n = in.read(buffer, length, buffer.length - length)) > 0; ) {
        length += n;
        if (length == buffer.length) {
          buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
      }
      return new String(buffer, 0, length, StandardCharsets.US_ASCII);
    } catch (IOException gone) {
      return null;
    }
  }

  /** The kernel's page size, which stat's RSS counts in: 4 kB on x86-64, up to 64 kB on arm64. */
  private static long pageKb() {
    try (BufferedReader smaps = Files.newBufferedReader(PROC.resolve("self/smaps"), StandardCharsets.US_ASCII)) {
      for (String line; (line = smaps.readLine()) != null; ) {
        if (line.startsWith("KernelPageSize:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or /proc hidden: fall back to the common size.
    }
    return 4;
  }
}

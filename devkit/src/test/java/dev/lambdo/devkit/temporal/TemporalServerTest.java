package dev.lambdo.devkit.temporal;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalServerTest {
  /**
   * Issue 11: Ctrl-C in {@code ./lambdo dev} reached the dev server as well as the JVM, so the
   * server was gone while the worker shut down, and the SDK logged a gRPC stack trace for its
   * shutdown call. In its own session the server is stopped by the JVM, after the worker.
   */
  @Test
  void theDevServerIsOutOfReachOfTheTerminalsCtrlC(@TempDir Path dir) throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/self/stat")), "Linux: reads sessions from /proc");
    assumeTrue(TemporalServer.findCli().isPresent(), "the temporal CLI is installed");
    try (TemporalServer server = TemporalServer.start(dir)) {
      long pid = server.process().orElseThrow().pid();
      assertNotEquals(sessionOf("self"), sessionOf(Long.toString(pid)));
    }
  }

  /** The session id: the sixth field of /proc/PID/stat, counted after the command's closing paren. */
  private static String sessionOf(String pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", pid, "stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3];
  }
}

package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcTreeTest {
  @Test
  void findsChildrenAndGrandchildrenAndSumsTheirMemory() throws Exception {
    Process shell = new ProcessBuilder("sh", "-c", "sleep 30 & (sleep 30 & wait) & wait").start();
    try {
      Set<Long> expected = new HashSet<>();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (expected.size() < 4 && System.nanoTime() < deadline) {
        expected.clear();
        shell.descendants().forEach(h -> expected.add(h.pid()));
        Thread.sleep(20);
      }
      List<Long> found = ProcTree.descendants(shell.pid());

      assertEquals(expected, new HashSet<>(found), "the same tree as ProcessHandle finds by reading all of /proc");
      long own = ProcTree.stat(shell.pid()).rssKb();
      assertTrue(own > 0);
      assertTrue(ProcTree.treeRssKb(shell.pid()) > own, "the children's memory counts");
    } finally {
      shell.descendants().forEach(ProcessHandle::destroyForcibly);
      shell.destroyForcibly().waitFor();
    }
    assertNull(ProcTree.stat(shell.pid()), "a process that has gone has no stat");
    assertEquals(0, ProcTree.treeRssKb(shell.pid()));
  }

  @Test
  void findsChildrenForkedByAnyThreadOfAMultiThreadedProcess() {
    long self = ProcessHandle.current().pid();
    assertTrue(ProcTree.stat(self).threads() > 1, "a JVM has many threads");
    Set<Long> expected = new HashSet<>();
    ProcessHandle.current().children().forEach(h -> expected.add(h.pid()));
    Set<Long> found = new HashSet<>();
    ProcTree.descendants(self).forEach(found::add);
    assertTrue(found.containsAll(expected), found + " has " + expected);
  }
}

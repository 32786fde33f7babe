package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.workflow.LogTail;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogBufferTest {
  @Test
  void keepsTheNewestLinesWithinTheLineBudget() {
    LogBuffer buffer = new LogBuffer(3, 1000);
    for (int i = 1; i <= 5; i++) {
      buffer.add("line " + i);
    }
    LogTail tail = buffer.toLogTail();
    assertEquals(List.of("line 3", "line 4", "line 5"), tail.lines());
    assertTrue(tail.truncated());
    assertFalse(tail.complete());
  }

  @Test
  void keepsWithinTheByteBudgetAndCutsAHugeLine() {
    LogBuffer buffer = new LogBuffer(100, 50);
    buffer.add("x".repeat(200));
    buffer.add("short");
    LogTail tail = buffer.toLogTail();
    assertTrue(String.join("\n", tail.lines()).length() <= 50, tail.lines().toString());
    assertEquals("short", tail.lines().getLast());
  }

  @Test
  void remembersTheInitExitLineEvenAfterItFellOff() {
    LogBuffer buffer = new LogBuffer(1, 1000);
    buffer.add("Main child exited normally with code: 0");
    buffer.add("late line");
    assertTrue(buffer.toLogTail().complete());
  }
}

package dev.lambdo.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorkflowIdsTest {
  @Test
  void sameMessagesInAnyOrderGiveTheSameId() {
    assertEquals(WorkflowIds.forMessages(List.of("a", "b", "c")), WorkflowIds.forMessages(List.of("c", "a", "b")));
  }

  @Test
  void differentMessagesGiveDifferentIds() {
    assertNotEquals(WorkflowIds.forMessages(List.of("a", "b")), WorkflowIds.forMessages(List.of("a")));
    // The separator keeps "ab" apart from "a"+"b".
    assertNotEquals(WorkflowIds.forMessages(List.of("ab")), WorkflowIds.forMessages(List.of("a", "b")));
  }

  @Test
  void idsArePrefixedAndShort() {
    String id = WorkflowIds.forMessages(List.of("x"));
    assertTrue(id.matches("lambdo-[0-9a-f]{24}"), id);
  }
}

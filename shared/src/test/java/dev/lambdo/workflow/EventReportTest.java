package dev.lambdo.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventReportTest {
  @Test
  void readsTheLastResultLineOfARun() {
    List<String> lines = List.of("LAMBDO_RESULT {\"events\":3,\"failed\":[]}", "working",
        "LAMBDO_RESULT {\"events\":3,\"succeeded\":1,\"failed\":[{\"index\":2,\"error\":\"x\"},{\"index\":0}]}",
        "Main child exited normally with code: 1");

    EventReport report = EventReport.find(lines, 3).orElseThrow();

    assertEquals(List.of(0, 2), report.failed());
    assertTrue(report.partial());
  }

  @Test
  void aLineThatDoesNotFitTheRunIsNoReport() {
    for (String line : List.of(
        "LAMBDO_RESULT {\"events\":2,\"failed\":[{\"index\":1}]}",          // another count of events
        "LAMBDO_RESULT {\"events\":3,\"failed\":[{\"index\":3}]}",          // out of range
        "LAMBDO_RESULT {\"events\":3,\"failed\":[{\"index\":-1}]}",         // the runtimes' "could not read the file"
        "LAMBDO_RESULT {\"events\":3,\"failed\":[{\"index\":1.5}]}",
        "LAMBDO_RESULT {\"events\":3,\"failed\":[{}]}",
        "LAMBDO_RESULT {\"events\":3}",
        "LAMBDO_RESULT {\"events\":3,\"failed\":[",
        "LAMBDO_RESULT null")) {
      assertEquals(Optional.empty(), EventReport.find(List.of(line), 3), line);
    }
    assertEquals(Optional.empty(), EventReport.find(List.of("no result line"), 3));
  }

  @Test
  void allOrNoneFailedIsNotPartial() {
    assertFalse(EventReport.find(List.of("LAMBDO_RESULT {\"events\":2,\"failed\":[{\"index\":0},{\"index\":1}]}"), 2)
        .orElseThrow().partial());
    assertFalse(EventReport.find(List.of("LAMBDO_RESULT {\"events\":2,\"failed\":[]}"), 2).orElseThrow().partial());
  }
}

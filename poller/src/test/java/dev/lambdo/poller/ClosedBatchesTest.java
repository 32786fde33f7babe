package dev.lambdo.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClosedBatchesTest {
  private static final Instant NOW = Instant.parse("2026-11-23T18:30:15.250Z");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> asked = new ArrayList<>();
  private Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

  private double closed(String status) {
    return registry.get("lambdo.batches.closed").tag("status", status).gauge().value();
  }

  private ClosedBatches counting(long terminated) {
    ClosedBatches batches = new ClosedBatches(query -> {
      asked.add(query);
      return query.contains("'Terminated'") ? terminated : 0;
    }, () -> clock.instant());
    batches.bindTo(registry);
    return batches;
  }

  @Test
  void countsTheLastHoursBatchesByHowTheyClosedAsVisibilityListsThem() {
    counting(4);

    assertEquals(4, closed("Terminated"));
    assertEquals(0, closed("Completed"));
    assertEquals(List.of("Completed", "Failed", "Canceled", "Terminated", "TimedOut"), ClosedBatches.STATUSES);
    assertTrue(asked.contains("WorkflowType = 'BatchWorkflow' AND ExecutionStatus = 'Terminated'"
        + " AND CloseTime > '2026-11-23T17:30:15Z'"), asked.toString());
  }

  @Test
  void asksAtMostOncePerIntervalHoweverOftenItIsScraped() {
    counting(1);
    closed("Terminated");
    closed("Failed");
    int once = asked.size();
    assertEquals(ClosedBatches.STATUSES.size(), once, "one query per status");

    clock = Clock.fixed(NOW.plus(ClosedBatches.INTERVAL).minusSeconds(1), ZoneOffset.UTC);
    closed("Terminated");
    assertEquals(once, asked.size());
    clock = Clock.fixed(NOW.plus(ClosedBatches.INTERVAL), ZoneOffset.UTC);
    closed("Terminated");
    assertEquals(2 * once, asked.size());
    assertEquals(Duration.ofSeconds(30), ClosedBatches.INTERVAL);
  }

  /** Micrometer holds a gauge's object weakly: nothing else keeps this one. */
  @Test
  void keepsCountingAfterTheCollectorRan() {
    new ClosedBatches(query -> 2, () -> NOW).bindTo(registry);
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    assertEquals(2, closed("Terminated"));
  }

  @Test
  void isUnknownWhileTemporalDoesNotAnswer() {
    new ClosedBatches(query -> {
      throw new IllegalStateException("UNAVAILABLE");
    }, () -> NOW).bindTo(registry);

    assertTrue(Double.isNaN(closed("Terminated")));
  }
}

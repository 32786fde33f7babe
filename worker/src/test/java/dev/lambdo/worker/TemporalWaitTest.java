package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lambdo.health.CheckResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemporalWaitTest {
  /**
   * Issue 11: a worker started while Temporal was down threw from its main thread, printed a gRPC
   * stack trace and hung without its health endpoint. It now waits, saying why each time.
   */
  @Test
  void waitsUntilTemporalAnswersBackingOffAndSayingWhy() throws Exception {
    Iterator<CheckResult> answers = List.of(CheckResult.failed("unreachable"), CheckResult.failed("unreachable"),
        CheckResult.failed("credentials refused (UNAUTHENTICATED)"), CheckResult.ok("namespace default")).iterator();
    List<Duration> pauses = new ArrayList<>();
    List<String> said = new ArrayList<>();

    new TemporalWait(answers::next, pauses::add, said::add).await("temporal:7233");

    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)), pauses);
    assertEquals(3, said.size());
    assertEquals("Temporal at temporal:7233 is not ready (credentials refused (UNAUTHENTICATED)): "
        + "the worker starts once it is; trying again in 4 s", said.get(2));
  }

  @Test
  void pausesNeverExceedHalfAMinute() throws Exception {
    int[] calls = {0};
    List<Duration> pauses = new ArrayList<>();
    new TemporalWait(() -> ++calls[0] > 8 ? CheckResult.ok("ok") : CheckResult.failed("unreachable"), pauses::add,
        line -> {}).await("t");
    assertEquals(Duration.ofSeconds(30), pauses.getLast());
    assertEquals(8, pauses.size());
  }
}

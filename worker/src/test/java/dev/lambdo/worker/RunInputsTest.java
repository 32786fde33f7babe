package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunInputsTest {
  private static Batch batch() {
    return new Batch("http://q", new MachineSpec("img:1", "shared-cpu-1x", Guest.cpu("shared", 1, 256),
        List.of("run"), null, null, 60, 0), List.of(new QueuedEvent("m1", "rh1", "{}", 1)), OnFailure.ACK);
  }

  /** Issue 9: the history read cost a create 4-7 ms, as much as Fly's create call in the bench. */
  @Test
  void aRunThisWorkerHoldsIsNotReadFromHistory() {
    // No client: a read from history would fail.
    RunInputs inputs = new RunInputs(null);
    Batch batch = batch();
    inputs.remember("run-1", batch);

    assertSame(batch, inputs.batchOf("wf", "run-1"));
    // Another run of the same workflow is not this one.
    assertThrows(NullPointerException.class, () -> inputs.batchOf("wf", "run-2"));
  }

  /** Held only while the workflow holds it: a worker's cache of runs bounds what it keeps. */
  @Test
  void aRunTheWorkerLetGoOfIsForgotten() throws InterruptedException {
    RunInputs inputs = new RunInputs(null);
    inputs.remember("run-1", batch());
    for (int i = 0; i < 20 && inputs.held() > 0; i++) {
      System.gc();
      Thread.sleep(50);
    }
    assertEquals(0, inputs.held());
  }
}

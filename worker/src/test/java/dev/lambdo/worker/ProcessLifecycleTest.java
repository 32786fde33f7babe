package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.lambdo.poller.PollerThread;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;

class ProcessLifecycleTest {
  private final WorkerFactory worker = mock(WorkerFactory.class);
  private final PollerThread poller = mock(PollerThread.class);
  private final ProcessLifecycle lifecycle = new ProcessLifecycle(Duration.ofSeconds(11));

  @Test
  void theStopEndsThePollerBeforeTheWorkerAndExitsZeroWhenBothStopped() {
    lifecycle.startWorker(() -> worker);
    lifecycle.startPoller(() -> poller);
    when(poller.stop(Duration.ofSeconds(11))).thenReturn(true);
    when(worker.isTerminated()).thenReturn(true);

    assertEquals(0, lifecycle.stop());

    InOrder order = inOrder(poller, worker);
    order.verify(poller).stop(Duration.ofSeconds(11));
    order.verify(worker).shutdown();
    order.verify(worker).awaitTermination(anyLong(), any(TimeUnit.class));
  }

  @Test
  void aPollerOrWorkerThatDidNotStopInTimeMakesTheExitCodeOne() {
    lifecycle.startWorker(() -> worker);
    lifecycle.startPoller(() -> poller);
    when(poller.stop(any())).thenReturn(false);
    when(worker.isTerminated()).thenReturn(true);
    assertEquals(1, lifecycle.stop());
  }

  @Test
  void aPollerWhoseLoopDiedMakesTheExitCodeOneThoughItStopsAtOnce() {
    lifecycle.startWorker(() -> worker);
    lifecycle.startPoller(() -> poller);
    when(poller.stop(any())).thenReturn(true);
    when(poller.failure()).thenReturn(Optional.of(new OutOfMemoryError("test heap")));
    when(worker.isTerminated()).thenReturn(true);
    assertEquals(1, lifecycle.stop());
  }

  @Test
  void nothingStartsOnceAStopHasBegun() {
    lifecycle.startWorker(() -> worker);
    when(worker.isTerminated()).thenReturn(true);
    assertEquals(0, lifecycle.stop());

    assertFalse(lifecycle.startPoller(() -> {
      throw new AssertionError("a poller started after the stop");
    }));
  }

  @Test
  void liveWhileWorkerAndPollerRun() {
    assertTrue(lifecycle.isLive(), "waiting for Temporal is live");
    when(worker.isStarted()).thenReturn(true);
    when(poller.isAlive()).thenReturn(true);
    lifecycle.startWorker(() -> worker);
    lifecycle.startPoller(() -> poller);
    assertTrue(lifecycle.isLive());
    when(poller.isAlive()).thenReturn(false);
    assertFalse(lifecycle.isLive(), "a worker whose poller died is not live");
  }
}

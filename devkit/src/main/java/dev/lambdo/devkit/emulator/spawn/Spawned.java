package dev.lambdo.devkit.emulator.spawn;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process the {@link Spawner} started: its pid, and its exit code once it exited (128 + the
 * signal's number when a signal ended it, as {@link Process#exitValue()} says). The exit fails
 * when the spawner stopped first: the process is gone with it.
 */
public record Spawned(long pid, CompletableFuture<Integer> exit) {
  public boolean isAlive() {
    return !exit.isDone();
  }

  /** True once exited (or lost with the spawner) within {@code timeout}. */
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      exit.get(timeout, unit);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return true;
    }
  }
}

package dev.lambdo.devkit.emulator;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * The emulator's OOM killer: one thread that, every {@link #INTERVAL}, sums the resident memory
 * of each running machine's process tree and tells the machine once it passes its
 * {@code guest.memory_mb}. One shared scan rather than a thread per machine keeps thousands of
 * idle machines cheap: each costs two small /proc reads per process per scan ({@link ProcTree}).
 * A process can overshoot for up to one interval before it is caught.
 *
 * <p>A scan of 2,000 machines takes about 40 ms on a small host, so the pause after a scan grows
 * with the scan to keep the watch under {@link #MAX_CPU_SHARE} of one core: the emulator must not
 * slow down the system it stands beside because many machines are idle.
 */
final class MemoryWatch implements AutoCloseable {
  static final Duration INTERVAL = Duration.ofMillis(250);
  static final double MAX_CPU_SHARE = 0.1;

  private record Watched(long limitKb, LongConsumer overLimit) {}

  private final Map<Long, Watched> watched = new ConcurrentHashMap<>();
  private final Thread thread;

  MemoryWatch() {
    thread = Thread.ofPlatform().daemon().name("emulator-memory-watch").start(this::run);
  }

  /** From now on, {@code overLimit} gets the tree's RSS in kB, once, if it passes {@code limitKb}. */
  void watch(long pid, long limitKb, LongConsumer overLimit) {
    watched.put(pid, new Watched(limitKb, overLimit));
  }

  void unwatch(long pid) {
    watched.remove(pid);
  }

  int size() {
    return watched.size();
  }

  private void run() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        long start = System.nanoTime();
        for (Map.Entry<Long, Watched> e : watched.entrySet()) {
          long rssKb = ProcTree.treeRssKb(e.getKey());
          if (rssKb > e.getValue().limitKb() && watched.remove(e.getKey(), e.getValue())) {
            try {
              e.getValue().overLimit().accept(rssKb);
            } catch (RuntimeException failed) {
              // One machine's kill failing must not stop the watch over all the others.
            }
          }
        }
        long scanNanos = System.nanoTime() - start;
        Thread.sleep(Duration.ofNanos(Math.max(INTERVAL.toNanos() - scanNanos,
            (long) (scanNanos * (1 - MAX_CPU_SHARE) / MAX_CPU_SHARE))));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}

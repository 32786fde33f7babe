package dev.lambdo.poller;

/** How many batch workflows are running now: the measure backpressure limits. */
interface RunningBatches {
  int count();

  /** Tells the count about a start, before the server's visibility store lists it. */
  default void started(String workflowId) {}

  /** Starts counted by {@link #started} that the server's count did not include yet. */
  default int unseen() {
    return 0;
  }
}

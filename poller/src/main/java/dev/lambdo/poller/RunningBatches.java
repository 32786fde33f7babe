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

  /**
   * A count that may be cheaper and higher than {@link #count()}, never lower: it adds every
   * start not yet confirmed listed ({@link #unconfirmed()}) without asking which the server lists
   * by now.
   */
  default int quickCount() {
    return count();
  }

  /** Starts {@link #quickCount()} adds in full, listed by the server or not. */
  default int unconfirmed() {
    return unseen();
  }
}

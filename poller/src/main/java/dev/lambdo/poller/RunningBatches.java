package dev.lambdo.poller;

/** How many batch workflows are running now: the measure backpressure limits. */
interface RunningBatches {
  int count();

  /** Tells a local count about a start; counts kept by the server ignore it. */
  default void started(String workflowId) {}
}

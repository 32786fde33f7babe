package dev.lambdo.worker;

import dev.lambdo.event.Batch;

/** Where an activity finds the batch of the workflow run it belongs to ({@link RunInputs} in a worker). */
@FunctionalInterface
public interface BatchLookup {
  Batch batchOf(String workflowId, String runId);
}

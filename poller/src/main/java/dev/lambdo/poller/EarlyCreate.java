package dev.lambdo.poller;

import dev.lambdo.event.Batch;

/**
 * A create of a batch's first machine begun beside its workflow's start, for a worker in the
 * poller's process to take up in the batch's first workflow task ({@link BatchStarter}): the create
 * then no longer waits for the start's round trip and the task's handling. The machine has the
 * name and metadata the workflow's own create would give it, so a workflow whose first task runs
 * elsewhere finds it by its metadata, and one that never runs leaves it to the reaper.
 */
public interface EarlyCreate {
  /** Begins none: a poller in a process of its own, or creates the server paces. */
  EarlyCreate NONE = new EarlyCreate() {
    @Override
    public void begin(String workflowId, Batch batch) {}

    @Override
    public void abandon(String workflowId) {}
  };

  /** Begins, without waiting for it, the create for {@code batch}, about to start as {@code workflowId}. */
  void begin(String workflowId, Batch batch);

  /** The start made no new run: nothing in this process will take up what {@link #begin} began. */
  void abandon(String workflowId);
}

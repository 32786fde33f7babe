package dev.lambdo.reaper;

import io.temporal.activity.ActivityInterface;

/** Machines no workflow waits for any more. */
@ActivityInterface
public interface OrphanedMachines {
  /** Destroys every machine whose batch workflow, in this namespace, is closed or gone. */
  ReapResult destroyOrphans();
}

package dev.lambdo.worker;

import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.MachineSlots;
import dev.lambdo.workflow.SlotActivities;
import dev.lambdo.workflow.SlotsState;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.SignalExternalWorkflowException;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Grants machine slots first come, first served. Runs forever, continuing as new to keep its
 * history short; takes back slots of batches that ended without releasing them.
 */
public final class MachineSlotsImpl implements MachineSlots {
  /** Signals handled before continuing as new. */
  static final int SIGNALS_PER_RUN = 500;
  private static final Duration PRUNE_EVERY = Duration.ofMinutes(1);

  private final SlotActivities activities = Workflow.newActivityStub(SlotActivities.class,
      ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30)).build());
  private final Set<String> holders = new LinkedHashSet<>();
  private final Set<String> waiting = new LinkedHashSet<>();
  private int limit = 1;
  private int signals;
  private boolean changed;

  @Override
  public void run(SlotsState state) {
    limit = state.limit();
    // Signals may arrive before run() starts: keep theirs, after the carried-over state.
    Set<String> early = new LinkedHashSet<>(waiting);
    waiting.clear();
    waiting.addAll(state.waiting());
    waiting.addAll(early);
    holders.addAll(state.holders());
    while (true) {
      grant();
      boolean signalled = Workflow.await(PRUNE_EVERY, () -> changed || signals >= SIGNALS_PER_RUN);
      changed = false;
      if (!signalled && !waiting.isEmpty()) {
        holders.removeAll(activities.closedWorkflows(new ArrayList<>(holders)));
      }
      if (signals >= SIGNALS_PER_RUN && Workflow.isEveryHandlerFinished()) {
        grant();
        Workflow.continueAsNew(new SlotsState(limit, new ArrayList<>(holders), new ArrayList<>(waiting)));
      }
    }
  }

  private void grant() {
    while (holders.size() < limit && !waiting.isEmpty()) {
      String next = waiting.iterator().next();
      waiting.remove(next);
      if (tell(next)) {
        holders.add(next);
      }
    }
  }

  /** False when the batch is gone. */
  private static boolean tell(String batchWorkflowId) {
    try {
      Workflow.newExternalWorkflowStub(BatchWorkflow.class, batchWorkflowId).slotGranted();
      return true;
    } catch (SignalExternalWorkflowException gone) {
      return false;
    }
  }

  @Override
  public void acquire(String batchWorkflowId) {
    signals++;
    if (holders.contains(batchWorkflowId)) {
      tell(batchWorkflowId);
    } else {
      waiting.add(batchWorkflowId);
    }
    changed = true;
  }

  @Override
  public void release(String batchWorkflowId) {
    signals++;
    holders.remove(batchWorkflowId);
    waiting.remove(batchWorkflowId);
    changed = true;
  }

  @Override
  public void setLimit(int newLimit) {
    signals++;
    limit = Math.max(1, newLimit);
    changed = true;
  }
}

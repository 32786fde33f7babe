package dev.lambdo.workflow;

/**
 * What awaitExit needs: the machine and how long it may run.
 *
 * @param deadlineEpochMs when the machine passes its timeout, fixed by the workflow when it first
 *     waits on the machine, so a wait that resumes (another run of the workflow) keeps it; 0 from
 *     workflows that predate it: the activity counts {@code timeoutSeconds} from its own start
 */
public record AwaitExitRequest(MachineRef machine, int timeoutSeconds, long deadlineEpochMs) {
  public AwaitExitRequest(MachineRef machine, int timeoutSeconds) {
    this(machine, timeoutSeconds, 0);
  }
}

package dev.lambdo.workflow;

/**
 * How a machine's run ended.
 *
 * @param signal the signal that ended the process, or -1
 * @param timedOut Lambdo stopped the machine because the spec's timeout passed
 * @param vanished the machine was gone before it was seen to exit: destroyed by someone else (a
 *     run before a workflow reset, an operator), or lost with its host. Nothing is known of how
 *     its process ended; histories written before this field read it as false.
 */
public record ExitStatus(int exitCode, int signal, boolean oomKilled, boolean timedOut, boolean vanished) {
  public static final ExitStatus VANISHED = new ExitStatus(-1, -1, false, false, true);

  public ExitStatus(int exitCode, int signal, boolean oomKilled, boolean timedOut) {
    this(exitCode, signal, oomKilled, timedOut, false);
  }

  public static ExitStatus exited(int exitCode) {
    return new ExitStatus(exitCode, -1, false, false);
  }

  public boolean succeeded() {
    return exitCode == 0 && !oomKilled && !timedOut && signal <= 0 && !vanished;
  }

  public String describe() {
    if (vanished) {
      return "machine vanished before it exited";
    }
    if (timedOut) {
      return "timed out";
    }
    if (oomKilled) {
      return "killed: out of memory";
    }
    if (signal > 0) {
      return "killed by signal " + signal;
    }
    return "exit code " + exitCode;
  }
}

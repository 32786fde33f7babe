package dev.lambdo.workflow;

/**
 * How a machine's run ended.
 *
 * @param signal the signal that ended the process, or -1
 * @param timedOut Lambdo stopped the machine because the spec's timeout passed
 */
public record ExitStatus(int exitCode, int signal, boolean oomKilled, boolean timedOut) {
  public static ExitStatus exited(int exitCode) {
    return new ExitStatus(exitCode, -1, false, false);
  }

  public boolean succeeded() {
    return exitCode == 0 && !oomKilled && !timedOut && signal <= 0;
  }

  public String describe() {
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

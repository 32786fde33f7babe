package dev.lambdo.cli;

/**
 * A problem the user can do something about: printed as one message, with no stack trace, and
 * ending the command with its exit code.
 */
public final class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  private UserError(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  /** Nothing was done: what the user gave is wrong. */
  public static UserError usage(String message) {
    return new UserError(message, Exit.USAGE);
  }

  /** A service could not be reached or refused. */
  public static UserError unreachable(String message) {
    return new UserError(message, Exit.UNREACHABLE);
  }

  /** The same error, with what the command had done when it happened. */
  public UserError withContext(String context) {
    return new UserError(getMessage() + " (" + context + ")", exitCode);
  }

  public int exitCode() {
    return exitCode;
  }
}

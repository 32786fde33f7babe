package dev.lambdo.producer;

/**
 * An event the poller would not run, refused before it is sent. The message is the poller's own
 * reason (the one a DLQ copy would carry in {@code LambdoError}), every problem at once.
 */
public final class InvalidEventException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidEventException(String reason) {
    super(reason);
  }
}

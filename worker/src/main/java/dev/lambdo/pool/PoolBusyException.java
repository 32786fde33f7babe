package dev.lambdo.pool;

/** A pooled machine's lease is held by someone else for now: the step is tried again after a pause. */
public final class PoolBusyException extends RuntimeException {
  public PoolBusyException(String message) {
    super(message);
  }
}

package dev.lambdo.config;

/** What happens to a batch's messages after its last attempt failed. */
public enum OnFailure {
  /** Delete them: the failed workflow is the durable record, replay re-runs it. */
  ACK,
  /** Make them visible again so the queue's redrive policy and DLQ take over. */
  RELEASE
}

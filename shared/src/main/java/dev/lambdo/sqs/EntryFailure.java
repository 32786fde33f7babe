package dev.lambdo.sqs;

/**
 * One entry of an SQS batch call that failed.
 *
 * @param senderFault true when SQS says the request was wrong (a stale receipt handle, say), so
 *     the same request will not succeed on a retry
 */
public record EntryFailure(String messageId, String code, String message, boolean senderFault) {
  @Override
  public String toString() {
    return messageId + ": " + code + (message == null ? "" : " " + message);
  }
}

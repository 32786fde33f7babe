package dev.lambdo.sqs;

/**
 * One entry of an SQS batch call that failed.
 *
 * @param senderFault true when SQS says the request was wrong (a stale receipt handle, say), so
 *     the same request will not succeed on a retry
 */
public record EntryFailure(String messageId, String code, String message, boolean senderFault) {
  /** SQS's code for a receipt handle it no longer takes: the message is gone or was received again. */
  static final String RECEIPT_HANDLE_IS_INVALID = "ReceiptHandleIsInvalid";

  public boolean staleReceipt() {
    return RECEIPT_HANDLE_IS_INVALID.equals(code);
  }

  @Override
  public String toString() {
    return messageId + ": " + code + (message == null ? "" : " " + message);
  }
}

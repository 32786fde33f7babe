package dev.lambdo.worker;

import dev.lambdo.sqs.EntryFailure;
import dev.lambdo.sqs.Receipt;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.workflow.MessageActivities;
import dev.lambdo.workflow.SettleResult;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes or releases a batch's messages. Entries SQS refuses for a passing reason fail the
 * activity so Temporal retries them; entries it refuses for good are reported in the result,
 * stale receipt handles apart: those messages were deleted already or handed out again, and the
 * poller settles a copy handed out again when it sees the batch is done.
 */
public final class MessageActivitiesImpl implements MessageActivities {
  private static final Logger log = LoggerFactory.getLogger(MessageActivitiesImpl.class);
  /**
   * Released messages come back this long after, not at once: on the local-endings path the release
   * runs inside the task that closes the batch, and a copy received before the close lands makes
   * the poller signal the batch, which fails the close (UnhandledCommand); the task runs again,
   * releases again, and each round spends a receive until SQS dead-letters the message after a
   * single run (seen once in CI).
   */
  static final Duration RELEASE_AFTER = Duration.ofSeconds(2);

  private final SqsQueue sqs;

  public MessageActivitiesImpl(SqsQueue sqs) {
    this.sqs = sqs;
  }

  @Override
  public SettleResult ackMessages(String queueUrl, List<Receipt> receipts) {
    return settle("ack", receipts, r -> sqs.delete(queueUrl, r));
  }

  @Override
  public SettleResult keepHidden(String queueUrl, List<Receipt> receipts, int seconds) {
    return settle("keep hidden", receipts, r -> sqs.changeVisibility(queueUrl, r, Duration.ofSeconds(seconds)));
  }

  @Override
  public SettleResult releaseMessages(String queueUrl, List<Receipt> receipts) {
    return settle("release", receipts, r -> sqs.changeVisibility(queueUrl, r, RELEASE_AFTER));
  }

  private static SettleResult settle(
      String action, List<Receipt> receipts, Function<List<Receipt>, List<EntryFailure>> call) {
    List<EntryFailure> failed = call.apply(receipts);
    List<EntryFailure> transientFailures = failed.stream().filter(f -> !f.senderFault()).toList();
    if (!transientFailures.isEmpty()) {
      throw new IllegalStateException("SQS could not " + action + " " + transientFailures + "; retrying");
    }
    List<String> stale = failed.stream().filter(EntryFailure::staleReceipt).map(EntryFailure::messageId).toList();
    if (!stale.isEmpty()) {
      log.info("{}: receipt handles of {} no longer valid (deleted already, or received again)", action, stale);
    }
    List<EntryFailure> refused = failed.stream().filter(f -> !f.staleReceipt()).toList();
    refused.forEach(f -> log.warn("SQS refused to {} message {}: {}", action, f.messageId(), f));
    return new SettleResult(action, receipts.size() - failed.size(),
        refused.stream().map(EntryFailure::toString).toList(), stale);
  }
}

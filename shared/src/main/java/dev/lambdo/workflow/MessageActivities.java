package dev.lambdo.workflow;

import dev.lambdo.sqs.Receipt;
import io.temporal.activity.ActivityInterface;
import java.util.List;

/** What happens to a batch's SQS messages when it is over. */
@ActivityInterface
public interface MessageActivities {
  /** Deletes the messages; entries SQS refuses for good are reported, not thrown. */
  SettleResult ackMessages(String queueUrl, List<Receipt> receipts);

  /** Keeps the messages hidden for {@code seconds} more, so SQS does not hand them out again. */
  SettleResult keepHidden(String queueUrl, List<Receipt> receipts, int seconds);

  /** Makes the messages visible again, for the queue's redrive policy to take over. */
  SettleResult releaseMessages(String queueUrl, List<Receipt> receipts);
}

package dev.lambdo.workflow;

import dev.lambdo.sqs.Receipt;
import java.util.List;

/** What awaitExit needs: the machine, its deadline, and the messages to keep hidden meanwhile. */
public record AwaitExitRequest(
    MachineRef machine, int timeoutSeconds, String queueUrl, List<Receipt> receipts) {
  public AwaitExitRequest {
    receipts = List.copyOf(receipts);
  }
}

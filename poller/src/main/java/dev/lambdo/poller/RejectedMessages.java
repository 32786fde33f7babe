package dev.lambdo.poller;

import dev.lambdo.event.ParsedMessage;
import dev.lambdo.sqs.SqsQueue;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages that cannot run are never dropped: with a DLQ they are copied there with the reason in
 * a {@code LambdoError} attribute and then deleted; without one they are left to the queue's
 * redrive policy and logged once per receive. A failure here concerns only the one message.
 */
final class RejectedMessages {
  private static final Logger log = LoggerFactory.getLogger(RejectedMessages.class);

  private final SqsQueue sqs;
  private final String queueUrl;
  private final Optional<String> dlqUrl;
  private final PollerMetrics metrics;

  RejectedMessages(SqsQueue sqs, String queueUrl, Optional<String> dlqUrl, PollerMetrics metrics) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.dlqUrl = dlqUrl;
    this.metrics = metrics;
  }

  void handle(ParsedMessage.Rejected rejected) {
    String id = rejected.message().messageId();
    metrics.rejected(rejected.cause());
    if (dlqUrl.isEmpty()) {
      log.warn("message {} cannot run (receive #{}), left for the queue's redrive policy: {}",
          id, rejected.message().receiveCount(), rejected.reason());
      return;
    }
    // Copy first, delete second: a crash between them duplicates into the DLQ, never loses.
    try {
      sqs.copyWithReason(dlqUrl.get(), rejected.message(), rejected.reason());
    } catch (RuntimeException e) {
      // This message's trouble is its own: the others of the receive go on. Left undeleted, it
      // comes back after its visibility timeout for another try, or to the queue's redrive.
      log.warn("message {} cannot run ({}) and could not be copied to the DLQ, left in the queue: {}",
          id, rejected.reason(), e.toString());
      return;
    }
    // Counted once it is in the DLQ: a failed delete only means SQS hands it out once more.
    metrics.deadLettered();
    sqs.delete(queueUrl, List.of(rejected.message().receipt()))
        .forEach(f -> log.warn("message {} was copied to the DLQ but not deleted: {}", id, f));
    log.warn("message {} cannot run, moved to the DLQ: {}", id, rejected.reason());
  }
}

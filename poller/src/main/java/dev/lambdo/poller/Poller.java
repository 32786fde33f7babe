package dev.lambdo.poller;

import dev.lambdo.config.PollerConfig;
import dev.lambdo.event.Batch;
import dev.lambdo.event.MessageParser;
import dev.lambdo.event.ParsedMessage;
import dev.lambdo.sqs.ReceivedMessage;
import dev.lambdo.sqs.Receipt;
import dev.lambdo.sqs.SqsQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive loop: long-poll SQS, parse, set aside what cannot run, plan batches, start one
 * workflow per batch. Stops receiving at the concurrency limit (messages wait safely in SQS), backs
 * off on errors, and on {@link #stop()} finishes the round in hand.
 */
public final class Poller implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Poller.class);
  private static final Duration FULL_PAUSE = Duration.ofSeconds(1);

  private final PollerConfig config;
  private final SqsQueue sqs;
  private final MessageParser parser;
  private final BatchPlanner planner;
  private final RejectedMessages rejected;
  private final BatchStarter starter;
  private final RunningBatches running;
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
  private volatile boolean stopping;
  private volatile boolean healthy = true;

  Poller(PollerConfig config, SqsQueue sqs, BatchStarter starter, RunningBatches running, String slots) {
    this.config = config;
    this.sqs = sqs;
    this.parser = new MessageParser(config.eventsFileBytes() - 2);
    this.planner = new BatchPlanner(config.queueUrl(), config.eventsPerMachine(),
        config.eventsFileBytes(), config.onFailure(), (int) config.visibilityTimeout().toSeconds(), slots);
    this.rejected = new RejectedMessages(sqs, config.queueUrl(), config.dlqUrl());
    this.starter = starter;
    this.running = running;
  }

  @Override
  public void run() {
    log.info("polling {}", config.queueUrl());
    while (!stopping) {
      try {
        pollOnce();
        backoff.reset();
        healthy = true;
      } catch (RuntimeException e) {
        healthy = false;
        Duration pause = backoff.next();
        log.warn("poll failed, retrying in {}s: {}", pause.toSeconds(), e.toString());
        pause(pause);
      }
    }
    log.info("poller stopped");
  }

  /** One round: returns the number of workflows started or joined. */
  int pollOnce() {
    int room = config.maxConcurrentMachines() - running.count();
    if (room <= 0) {
      pause(FULL_PAUSE);
      return 0;
    }
    int max = Math.min(SqsQueue.MAX_BATCH, room * config.eventsPerMachine());
    List<ReceivedMessage> messages =
        sqs.receive(config.queueUrl(), max, config.longPoll(), config.visibilityTimeout());
    return handle(messages);
  }

  int handle(List<ReceivedMessage> messages) {
    List<ParsedMessage.Accepted> accepted = new ArrayList<>();
    for (ReceivedMessage message : messages) {
      switch (parser.parse(message)) {
        case ParsedMessage.Rejected r -> rejected.handle(r);
        case ParsedMessage.Accepted a -> {
          if (!alreadyInABatch(a)) {
            accepted.add(a);
          }
        }
      }
    }
    List<Batch> batches = planner.plan(accepted);
    int started = 0;
    for (int i = 0; i < batches.size(); i++) {
      Batch batch = batches.get(i);
      try {
        Optional<String> workflowId = starter.start(batch);
        if (workflowId.isPresent()) {
          running.started(workflowId.get());
          started++;
        } else {
          release(List.of(batch), Duration.ofSeconds(1));
        }
      } catch (RuntimeException e) {
        // Temporal is unreachable: hand the rest back to SQS after a pause, then let run() back off.
        release(batches.subList(i, batches.size()), backoff.next());
        throw e;
      }
    }
    return started;
  }

  /** A redelivered message whose batch exists already must not start a second one. */
  private boolean alreadyInABatch(ParsedMessage.Accepted a) {
    if (a.event().receiveCount() <= 1) {
      return false;
    }
    Optional<String> workflowId = starter.workflowOf(a.event().messageId());
    return workflowId.isPresent()
        && starter.alreadyKnown(workflowId.get(), List.of(a.event()), config.onFailure());
  }

  private void release(List<Batch> batches, Duration after) {
    List<Receipt> receipts = new ArrayList<>();
    batches.forEach(b -> b.events().forEach(e -> receipts.add(new Receipt(e.messageId(), e.receiptHandle()))));
    try {
      sqs.changeVisibility(config.queueUrl(), receipts, after);
    } catch (RuntimeException e) {
      log.warn("could not hand {} message(s) back to SQS; they return after their visibility timeout", receipts.size());
    }
  }

  public void stop() {
    stopping = true;
  }

  public boolean isHealthy() {
    return healthy;
  }

  private void pause(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }
}

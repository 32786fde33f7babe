package dev.lambdo.devkit.bench;

import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.MessageParser;
import dev.lambdo.event.ParsedMessage;
import dev.lambdo.fly.CreateMachineRequest;
import dev.lambdo.fly.FlyApiException;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.MachineConfig;
import dev.lambdo.poller.BatchPlanner;
import dev.lambdo.sqs.ReceivedMessage;
import dev.lambdo.sqs.Receipt;
import dev.lambdo.sqs.SqsQueue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The comparison the benchmark is made against: the Go original's shape, a plain loop that
 * receives, creates one machine per batch (auto-destroying, events at /tmp/events.json) and
 * deletes the messages. No Temporal, no waiting for the machine, no retries: a create that fails
 * leaves its messages for SQS to hand out again, as the original does.
 */
final class BaselineLoop implements Runnable {
  private final SqsQueue sqs;
  private final String queueUrl;
  private final FlyClient fly;
  private final MessageParser parser = new MessageParser(256 * 1024);
  private final BatchPlanner planner;
  private final AtomicInteger failedCreates = new AtomicInteger();
  private volatile boolean stopping;

  BaselineLoop(SqsQueue sqs, String queueUrl, FlyClient fly, int eventsPerMachine) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.fly = fly;
    this.planner = new BatchPlanner(queueUrl, eventsPerMachine, 256 * 1024, OnFailure.ACK, 30);
  }

  @Override
  public void run() {
    while (!stopping) {
      List<ReceivedMessage> messages =
          sqs.receive(queueUrl, SqsQueue.MAX_BATCH, Duration.ofSeconds(1), Duration.ofSeconds(30));
      List<ParsedMessage.Accepted> accepted = new ArrayList<>();
      for (ReceivedMessage m : messages) {
        if (parser.parse(m) instanceof ParsedMessage.Accepted a) {
          accepted.add(a);
        }
      }
      for (Batch batch : planner.plan(accepted)) {
        try {
          fly.create(new CreateMachineRequest(null, null, config(batch)));
          sqs.delete(queueUrl, batch.events().stream().map(e -> new Receipt(e.messageId(), e.receiptHandle())).toList());
        } catch (FlyApiException e) {
          failedCreates.incrementAndGet();
        }
      }
    }
  }

  int failedCreates() {
    return failedCreates.get();
  }

  void stop() {
    stopping = true;
  }

  private static MachineConfig config(Batch batch) {
    String events = Base64.getEncoder().encodeToString(batch.eventsJson().getBytes(StandardCharsets.UTF_8));
    return new MachineConfig(batch.spec().image(), new MachineConfig.Init(batch.spec().command(), null),
        Map.of("EVENTS_PATH", "/tmp/events.json"), List.of(new MachineConfig.File("/tmp/events.json", events, 0644)),
        batch.spec().guest(), new MachineConfig.Restart("no"), Map.of(), true);
  }
}

package dev.lambdo.poller;

import dev.lambdo.config.PollerConfig;
import dev.lambdo.event.Batch;
import dev.lambdo.event.MessageParser;
import dev.lambdo.event.ParsedMessage;
import dev.lambdo.sqs.ReceivedMessage;
import dev.lambdo.sqs.Receipt;
import dev.lambdo.sqs.SqsQueue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive loop: long-poll SQS, parse, set aside what cannot run, plan batches, start one
 * workflow per batch. Stops receiving at the {@link MachineLimit} (messages wait safely in SQS),
 * backs off on errors, and on {@link #stop()} finishes the round in hand.
 */
public final class Poller implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Poller.class);
  /** At the limit, how long to wait before counting again: short, as batches end all the time. */
  private static final Duration FULL_PAUSE = Duration.ofMillis(200);
  /** A receive that waited longer than this makes the count before it stale: count again. */
  private static final Duration RECOUNT_AFTER = Duration.ofMillis(50);
  /** Machines' worth of events one round receives at most: one receive at ten events each. */
  static final int RECEIVE_BATCHES = SqsQueue.MAX_BATCH;
  /** Pending batches are held at most this fraction of their visibility timeout (see expirePending). */
  static final int PENDING_SHARE_OF_VISIBILITY = 6;

  private final PollerConfig config;
  private final SqsQueue sqs;
  private final MessageParser parser;
  private final BatchPlanner planner;
  private final RejectedMessages rejected;
  private final BatchStarter starter;
  private final MachineLimit limit;
  private final PollerMetrics metrics;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60));
  private final CountDownLatch stopAsked = new CountDownLatch(1);
  private volatile boolean stopping;

  Poller(PollerConfig config, SqsQueue sqs, BatchStarter starter, RunningBatches running, PollerMetrics metrics) {
    this.config = config;
    this.sqs = sqs;
    this.parser = MessageParser.forEventsFile(config.eventsFileBytes());
    this.planner = new BatchPlanner(config.queueUrl(), config.eventsPerMachine(),
        config.eventsFileBytes(), config.onFailure(), (int) config.visibilityTimeout().toSeconds());
    this.rejected = new RejectedMessages(sqs, config.queueUrl(), config.dlqUrl(), metrics);
    this.starter = starter;
    this.limit = new MachineLimit(config.maxConcurrentMachines(), running, metrics::running);
    this.metrics = metrics;
  }

  @Override
  public void run() {
    log.info("polling {}", config.queueUrl());
    while (!stopping) {
      try {
        pollOnce();
        backoff.reset();
      } catch (RuntimeException e) {
        metrics.pollFailed();
        Duration pause = backoff.next();
        log.warn("poll failed, retrying in {}s: {}", pause.toSeconds(), e.toString());
        pause(pause);
      }
    }
    // Batches received but not started go back to SQS for the next poller.
    releasePending(Duration.ZERO);
    log.info("poller stopped");
  }

  /** One round: returns the number of workflows started or joined. */
  int pollOnce() {
    expirePending();
    int room = limit.room(pending.isEmpty() ? RECEIVE_BATCHES : pending.size());
    if (room <= 0) {
      pause(FULL_PAUSE);
      return 0;
    }
    if (pending.isEmpty()) {
      long asked = System.nanoTime();
      List<ReceivedMessage> messages = receive(Math.min(room, RECEIVE_BATCHES));
      if (messages.isEmpty()) {
        return 0;
      }
      plan(messages, asked);
      if (room < RECEIVE_BATCHES || System.nanoTime() - asked > RECOUNT_AFTER.toNanos()) {
        // The limit is near, or other pollers may have started batches while this one waited.
        room = recount();
      }
    }
    return startPending(admissible(room));
  }

  /**
   * Batches received beyond the room wait here, still hidden, for the next rounds: handing them
   * back to SQS would count one more receive each time, and redrive would dead-letter them.
   */
  private void plan(List<ReceivedMessage> messages, long receivedAt) {
    List<ParsedMessage.Accepted> accepted = new ArrayList<>();
    int handled = 0;
    try {
      for (ReceivedMessage message : messages) {
        switch (config.guardrails().apply(parser.parse(message))) {
          case ParsedMessage.Rejected r -> rejected.handle(r);
          case ParsedMessage.Accepted a -> {
            if (!alreadyInABatch(a)) {
              accepted.add(a);
            }
          }
        }
        handled++;
      }
    } catch (RuntimeException e) {
      // Temporal or SQS failed mid-way: the messages not dealt with yet go back to SQS after a
      // pause, not after their whole visibility timeout. Those dealt with (set aside, or handed
      // to their running batch) are left as they are.
      List<Receipt> back = new ArrayList<>();
      accepted.forEach(a -> back.add(new Receipt(a.event().messageId(), a.event().receiptHandle())));
      messages.subList(handled, messages.size()).forEach(m -> back.add(new Receipt(m.messageId(), m.receiptHandle())));
      changeVisibility(back, backoff.next());
      throw e;
    }
    planner.plan(accepted).forEach(b -> pending.add(new Pending(b, receivedAt)));
  }

  private int recount() {
    try {
      return limit.room(pending.size());
    } catch (RuntimeException e) {
      releasePending(backoff.next());
      throw e;
    }
  }

  /**
   * Pending batches go back to SQS once held a sixth of their visibility timeout since they were
   * received: a batch started later might see its messages visible again, and handed to another
   * poller, before its workflow's first renewal (a third of the timeout after its start).
   */
  private void expirePending() {
    List<Batch> expired = new ArrayList<>();
    pending.removeIf(p -> isStale(p) && expired.add(p.batch()));
    if (!expired.isEmpty()) {
      release(expired, Duration.ZERO);
    }
  }

  private boolean isStale(Pending p) {
    return System.nanoTime() - p.receivedAt() > config.visibilityTimeout().toNanos() / PENDING_SHARE_OF_VISIBILITY;
  }

  private void releasePending(Duration after) {
    List<Batch> batches = pending.stream().map(Pending::batch).toList();
    pending.clear();
    if (!batches.isEmpty()) {
      release(batches, after);
    }
  }

  /** A batch received and planned, not started yet. */
  private record Pending(Batch batch, long receivedAt) {}

  /**
   * One long poll for up to {@code batches} machines' worth of events; when it comes back full
   * (a backlog) and there is room for more, further receives that do not wait, all at once.
   */
  private List<ReceivedMessage> receive(int batches) {
    int wanted = batches * config.eventsPerMachine();
    List<ReceivedMessage> first = sqs.receive(config.queueUrl(), Math.min(SqsQueue.MAX_BATCH, wanted),
        config.longPoll(), config.visibilityTimeout());
    if (first.size() < SqsQueue.MAX_BATCH || wanted <= SqsQueue.MAX_BATCH) {
      metrics.received(first, System.currentTimeMillis());
      return first;
    }
    List<ReceivedMessage> all = new ArrayList<>(first);
    List<Future<List<ReceivedMessage>>> more = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int left = wanted - SqsQueue.MAX_BATCH; left > 0; left -= SqsQueue.MAX_BATCH) {
        int max = Math.min(SqsQueue.MAX_BATCH, left);
        more.add(executor.submit(() -> sqs.receive(config.queueUrl(), max, Duration.ZERO, config.visibilityTimeout())));
      }
    }
    for (Future<List<ReceivedMessage>> f : more) {
      try {
        all.addAll(f.get());
      } catch (ExecutionException e) {
        // The first receive's messages are in hand; the others return after their visibility timeout.
        log.warn("a second receive failed: {}", e.getCause().toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
    }
    metrics.received(all, System.currentTimeMillis());
    return all;
  }

  private int admissible(int room) {
    try {
      return limit.admissible(room);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
      return 0;
    } catch (RuntimeException e) {
      releasePending(backoff.next());
      throw e;
    }
  }

  /** Starts messages handed in directly, as many as they make batches; for tests. */
  int handle(List<ReceivedMessage> messages) {
    plan(messages, System.nanoTime());
    return startPending(Integer.MAX_VALUE);
  }

  /** Starts up to {@code room} pending batches at once; the others stay pending. */
  private int startPending(int room) {
    // Counting may have taken a while: check the batches' age again right before starting them.
    expirePending();
    List<Batch> admitted = new ArrayList<>();
    while (admitted.size() < room && !pending.isEmpty()) {
      admitted.add(pending.removeFirst().batch());
    }
    // Each start is a round trip to Temporal: make them at once, not one after another.
    List<Future<Optional<String>>> starts = new ArrayList<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      admitted.forEach(batch -> starts.add(executor.submit(() -> starter.start(batch))));
    }
    int started = 0;
    RuntimeException unreachable = null;
    List<Batch> failed = new ArrayList<>();
    for (int i = 0; i < admitted.size(); i++) {
      try {
        Optional<String> workflowId = starts.get(i).get();
        if (workflowId.isPresent()) {
          limit.admitted(workflowId.get());
          started++;
        } else {
          release(List.of(admitted.get(i)), Duration.ofSeconds(1));
        }
      } catch (ExecutionException | InterruptedException e) {
        failed.add(admitted.get(i));
        Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
        unreachable = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
      }
    }
    if (unreachable != null) {
      // Temporal is unreachable: hand those back to SQS after a pause, then let run() back off.
      failed.addAll(pending.stream().map(Pending::batch).toList());
      pending.clear();
      release(failed, backoff.next());
      throw unreachable;
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
    changeVisibility(receipts, after);
  }

  private void changeVisibility(List<Receipt> receipts, Duration after) {
    try {
      sqs.changeVisibility(config.queueUrl(), receipts, after);
    } catch (RuntimeException e) {
      log.warn("could not hand {} message(s) back to SQS; they return after their visibility timeout", receipts.size());
    }
  }


  public void stop() {
    stopping = true;
    stopAsked.countDown();
  }

  /** Sleeps, unless a stop comes first: a backoff grows to a minute, longer than a stop may take. */
  private void pause(Duration duration) {
    try {
      stopAsked.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }
}

package dev.lambdo.poller;

import dev.lambdo.config.PollerConfig;
import dev.lambdo.sqs.SqsQueue;
import io.temporal.client.WorkflowClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a poller for a Temporal client, choosing how running batches are counted. */
public final class Pollers {
  private static final Logger log = LoggerFactory.getLogger(Pollers.class);

  private Pollers() {}

  public static Poller create(WorkflowClient client, PollerConfig config, SqsQueue sqs) {
    BatchStarter starter = new BatchStarter(client, sqs, config.queueUrl(), config.temporal().taskQueue());
    return new Poller(config, sqs, starter, runningBatches(client));
  }

  /** The server's count when it can give one (shared by all pollers), else this poller's own. */
  private static RunningBatches runningBatches(WorkflowClient client) {
    ServerRunningBatches server = new ServerRunningBatches(client);
    try {
      server.count();
      return server;
    } catch (RuntimeException e) {
      log.warn("the Temporal server cannot count workflows ({}); the concurrency limit holds per poller", e.getMessage());
      return new LocalRunningBatches(client);
    }
  }
}

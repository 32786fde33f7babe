package dev.lambdo.devkit.chaos;

import dev.lambdo.devkit.sqs.EmbeddedSqs;

/**
 * ElasticMQ in a JVM of its own, for the chaos suite: {@code SqsMain <port>} serves SQS on that
 * loopback port until killed. The suite creates its queues over the SQS protocol.
 */
public final class SqsMain {
  private SqsMain() {}

  public static void main(String[] args) throws Exception {
    EmbeddedSqs sqs = new EmbeddedSqs(Integer.parseInt(args[0]));
    System.out.println("SQS on " + sqs.endpoint());
    Thread.currentThread().join();
  }
}

package dev.lambdo.devkit.sqs;

/** The embedded SQS in a JVM of its own, closed from a shutdown hook as the dev stack closes it. */
public final class StoppedByHookMain {
  private StoppedByHookMain() {}

  public static void main(String[] args) throws Exception {
    EmbeddedSqs sqs = new EmbeddedSqs(EmbeddedSqs.freePort());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sqs.close();
      System.out.println("SQS closed");
    }));
    System.out.println("SQS on " + sqs.endpoint());
    Thread.currentThread().join();
  }
}

package dev.lambdo.devkit;

import dev.lambdo.devkit.temporal.TemporalServer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bench}: on the dev stack (the temporal CLI's server when installed, else the in-process
 * one), measures how long one event takes from SendMessage to its machine's process start, one
 * event at a time, then how fast a burst of events is run. Prints the figures.
 */
public final class Bench {
  private static final int SINGLE_EVENTS = 20;
  private static final int BURST_EVENTS = 100;

  private Bench() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    Path dir = Files.createTempDirectory("lambdo-bench");
    try (TemporalServer temporal = TemporalServer.start(dir.resolve("temporal"));
        DevStack stack = DevStack.start(temporal, 0, 0, dir, Map.of(
            "LAMBDO_SQS_LONG_POLL_SECONDS", "10", "LAMBDO_LOG_GRACE_SECONDS", "1",
            "LAMBDO_MAX_CONCURRENT_MACHINES", "20"))) {
      out.printf("Temporal: %s%n", temporal.isInProcess() ? "in-process Java test server" : "temporal CLI dev server");
      send(stack, "{\"warmup\":true}");
      awaitMachines(stack, 1, true);

      List<Long> latencies = new ArrayList<>();
      for (int i = 0; i < SINGLE_EVENTS; i++) {
        Set<String> before = new HashSet<>(stack.fly().machineIds());
        long sent = System.currentTimeMillis();
        send(stack, "{\"n\":" + i + "}");
        String machine = awaitNewStartedMachine(stack, before);
        latencies.add(stack.fly().startedAtMillis(machine).orElseThrow() - sent);
        awaitMachines(stack, stack.fly().machinesCreated(), true);
      }
      latencies.sort(null);
      out.printf("send → machine start, %d events one at a time: p50 %d ms, p90 %d ms, max %d ms%n",
          SINGLE_EVENTS, latencies.get(latencies.size() / 2), latencies.get(latencies.size() * 9 / 10),
          latencies.getLast());

      int createdBefore = stack.fly().machinesCreated();
      long start = System.nanoTime();
      for (int i = 0; i < BURST_EVENTS; i++) {
        send(stack, "{\"burst\":" + i + "}");
      }
      long sentNanos = System.nanoTime() - start;
      awaitQueueEmptyAndMachinesGone(stack);
      double seconds = (System.nanoTime() - start) / 1e9;
      int machines = stack.fly().machinesCreated() - createdBefore;
      out.printf("burst of %d events (sent in %d ms): all run and deleted in %.1f s = %.1f events/s on %d machines (peak %d alive)%n",
          BURST_EVENTS, sentNanos / 1_000_000, seconds, BURST_EVENTS / seconds, machines, stack.fly().peakMachinesAlive());
    }
    System.exit(0);
  }

  private static void send(DevStack stack, String body) {
    stack.producer().send(body, "image", "bench:1", "command", "[\"true\"]");
  }

  private static String awaitNewStartedMachine(DevStack stack, Set<String> before) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (String id : stack.fly().machineIds()) {
        if (!before.contains(id) && stack.fly().startedAtMillis(id).isPresent()) {
          return id;
        }
      }
      Thread.sleep(2);
    }
    throw new IllegalStateException("no machine started within 60 s");
  }

  private static void awaitMachines(DevStack stack, int created, boolean gone) throws InterruptedException {
    while (stack.fly().machinesCreated() < created || gone && stack.fly().machinesAlive() > 0) {
      Thread.sleep(10);
    }
  }

  private static void awaitQueueEmptyAndMachinesGone(DevStack stack) throws InterruptedException {
    while (stack.sqs().approximateCount(stack.queues().main()) > 0 || stack.fly().machinesAlive() > 0) {
      Thread.sleep(20);
    }
  }
}

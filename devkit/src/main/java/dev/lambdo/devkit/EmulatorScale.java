package dev.lambdo.devkit;

import dev.lambdo.devkit.emulator.FlyEmulator;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the Fly emulator holds up with many live machines: creates {@code machines} machines
 * running {@code sleep <seconds>} one after another through the HTTP API (rate limits off), prints
 * create latency p50/p99 for the first and last {@value #WINDOW}, the emulator's CPU use while
 * they all idle for {@value #IDLE_SECONDS} s, then destroys them all and counts leftover
 * processes. Figures, not assertions: run it by hand,
 * {@code ./mvnw -B -q exec:java -pl devkit -Dlambdo.main=dev.lambdo.devkit.EmulatorScale -Dexec.args="2000 60"}.
 */
public final class EmulatorScale {
  private static final int WINDOW = 200;
  private static final int IDLE_SECONDS = 10;
  private static final String TOKEN = "scale";
  /** The kernel's USER_HZ: /proc times are in these ticks on every Linux we run on. */
  private static final double TICKS_PER_SECOND = 100;

  private EmulatorScale() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    int sleepSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    PrintStream out = System.out;
    Path dir = Files.createTempDirectory("lambdo-scale");
    HttpClient http = HttpClient.newHttpClient();
    try (FlyEmulator fly = new FlyEmulator(0, TOKEN, dir)) {
      String body = "{\"region\":\"iad\",\"config\":{\"image\":\"img:1\",\"init\":{\"cmd\":[\"sleep\",\"" + sleepSeconds + "\"]}}}";
      List<String> ids = new ArrayList<>();
      List<Long> createMicros = new ArrayList<>();
      long begin = System.nanoTime();
      for (int i = 0; i < count; i++) {
        long start = System.nanoTime();
        String answer = send(http, fly, "POST", "", body);
        createMicros.add((System.nanoTime() - start) / 1000);
        ids.add(answer.replaceFirst("(?s)^.*?\"id\":\"([0-9a-f]+)\".*$", "$1"));
      }
      out.printf("created %d machines in %.1f s%n", count, (System.nanoTime() - begin) / 1e9);
      out.printf("create latency, first %d: %s%n", WINDOW, percentiles(createMicros.subList(0, Math.min(WINDOW, count))));
      out.printf("create latency, last %d:  %s%n", WINDOW, percentiles(createMicros.subList(Math.max(0, count - WINDOW), count)));
      while (fly.machinesStarted() < count) {
        Thread.sleep(50);
      }
      out.printf("all %d started %.1f s after the first create%n", count, (System.nanoTime() - begin) / 1e9);

      Thread.sleep(2000);
      Path watch = threadNamed("emulator-memor");
      long ticksBefore = cpuTicks(Path.of("/proc/self/stat"));
      long watchBefore = cpuTicks(watch);
      long idleStart = System.nanoTime();
      Thread.sleep(IDLE_SECONDS * 1000L);
      double seconds = (System.nanoTime() - idleStart) / 1e9;
      double cpu = (cpuTicks(Path.of("/proc/self/stat")) - ticksBefore) / TICKS_PER_SECOND / seconds * 100;
      double watchCpu = (cpuTicks(watch) - watchBefore) / TICKS_PER_SECOND / seconds * 100;
      long running = ids.stream().filter(id -> fly.state(id).equals("started")).count();
      out.printf("at rest with %d alive (%d running): emulator CPU %.1f%% of one core over %.0f s"
          + " (the memory watch %.1f%%), %s threads%n",
          fly.machinesAlive(), running, cpu, seconds, watchCpu, procStatus("Threads"));

      List<Long> getMicros = new ArrayList<>();
      for (int i = 0; i < WINDOW; i++) {
        long start = System.nanoTime();
        send(http, fly, "GET", "/" + ids.get(i * count / WINDOW), null);
        getMicros.add((System.nanoTime() - start) / 1000);
      }
      out.printf("get machine latency with %d alive: %s%n", fly.machinesAlive(), percentiles(getMicros));

      List<Long> destroyMicros = new ArrayList<>();
      begin = System.nanoTime();
      for (String id : ids) {
        long start = System.nanoTime();
        send(http, fly, "DELETE", "/" + id + "?force=true", null);
        destroyMicros.add((System.nanoTime() - start) / 1000);
      }
      out.printf("destroyed %d in %.1f s, latency %s%n", count, (System.nanoTime() - begin) / 1e9, percentiles(destroyMicros));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (ProcessHandle.current().descendants().findAny().isPresent() && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      out.printf("alive after destroy: %d; processes left under this JVM: %d%n", fly.machinesAlive(),
          ProcessHandle.current().descendants().count());
    }
    System.exit(0);
  }

  private static String send(HttpClient http, FlyEmulator fly, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fly.url() + "/v1/apps/scale/machines" + path))
        .header("Authorization", "Bearer " + TOKEN)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private static String percentiles(List<Long> micros) {
    List<Long> sorted = new ArrayList<>(micros);
    sorted.sort(null);
    return String.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms", sorted.get(sorted.size() / 2) / 1000.0,
        sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)) / 1000.0, sorted.getLast() / 1000.0);
  }

  /** The /proc stat file of this JVM's thread whose name starts with {@code prefix}. */
  private static Path threadNamed(String prefix) throws IOException {
    try (var tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        if (Files.readString(task.resolve("comm")).startsWith(prefix)) {
          return task.resolve("stat");
        }
      }
    }
    throw new IllegalStateException("no thread named " + prefix + "…");
  }

  /** User + system CPU used, in clock ticks (fields 14 and 15 of a /proc stat file). */
  private static long cpuTicks(Path statFile) throws IOException {
    String stat = Files.readString(statFile);
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static String procStatus(String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith(key + ":")) {
        return line.substring(key.length() + 1).trim();
      }
    }
    return "?";
  }
}

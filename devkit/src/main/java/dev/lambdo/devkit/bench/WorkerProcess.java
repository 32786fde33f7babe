package dev.lambdo.devkit.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The worker as production runs it: its own JVM, started from its runnable jar. */
final class WorkerProcess implements AutoCloseable {
  /** Room enough that the heap's size never limits the worker; the bench reports what it keeps. */
  private static final String HEAP = "-Xmx1g";
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private final Process process;

  WorkerProcess(Map<String, String> env, Path log) throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder builder = new ProcessBuilder(java.toString(), HEAP, "-jar", jar().toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    // Only the bench's settings: none of the caller's credentials (TEMPORAL_API_KEY, AWS_*)
    // may reach the local stack.
    Map<String, String> inherited = builder.environment();
    inherited.keySet().retainAll(List.of("PATH", "HOME", "LANG", "TMPDIR"));
    inherited.putAll(env);
    process = builder.start();
  }

  /** worker/target/lambdo-worker-*-app.jar, from the repository root or the devkit module. */
  static Path jar() throws IOException {
    for (Path dir : new Path[] {Path.of("worker/target"), Path.of("../worker/target")}) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          var jar = files.filter(f -> f.getFileName().toString().matches("lambdo-worker-.*-app\\.jar")).findFirst();
          if (jar.isPresent()) {
            return jar.get();
          }
        }
      }
    }
    throw new IllegalStateException("the worker's jar is missing: build it with ./mvnw -DskipTests install");
  }

  /** OS threads of the worker JVM, from /proc. */
  int osThreads() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.substring(8).trim());
      }
    }
    throw new IllegalStateException("no Threads line for " + process.pid());
  }

  /** Heap in use right after a full GC, in MB: what the worker really holds. */
  long heapMbAfterGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    Matcher used = USED.matcher(jcmd("GC.heap_info"));
    if (!used.find()) {
      throw new IllegalStateException("jcmd GC.heap_info printed no 'used' figure");
    }
    return Long.parseLong(used.group(1)) / 1024;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(30, TimeUnit.SECONDS);
    return out;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}

package dev.lambdo.devkit.emulator.spawn;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts the emulator's machine processes from a small JVM of their own ({@link SpawnerMain}).
 *
 * <p>Why not {@link ProcessBuilder} in the emulator: starting a process copies, then closes, every
 * descriptor of the process that starts it (the JDK closes all but three before the exec). The
 * emulator holds a socket per waiting client and, with two thousand machines awaited, that made
 * each start cost ~15 ms of kernel time on the development machine, rising with every machine
 * alive; 2,000 starts took over a core's worth of seconds from the system under test. The spawner
 * holds a dozen descriptors; machines write their output to files, not pipes, so it holds none
 * per machine either.
 */
public final class Spawner implements AutoCloseable {
  /** How long a start may take before the machine fails to start. */
  private static final long START_TIMEOUT_SECONDS = 30;

  private record Pending(CompletableFuture<Long> pid, CompletableFuture<Integer> exit) {}

  private final Process helper;
  private final DataOutputStream requests;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicInteger keys = new AtomicInteger();
  private volatile boolean closed;
  /** Set once the spawner stopped answering: every start after is refused at once. */
  private volatile IOException failure;

  public Spawner() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // Small and quick to start: it only forks and waits.
    helper = new ProcessBuilder(java, "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-XX:+DisplayVMOutputToStderr", "-cp", classPath(), SpawnerMain.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    requests = new DataOutputStream(new BufferedOutputStream(helper.getOutputStream()));
    Thread.ofPlatform().daemon().name("emulator-spawner-replies").start(this::readReplies);
  }

  /** Where this class was loaded from: the spawner needs nothing else. */
  private static String classPath() {
    try {
      return Path.of(SpawnerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException | NullPointerException e) {
      return System.getProperty("java.class.path");
    }
  }

  /**
   * Starts {@code argv} in {@code dir} with exactly {@code env}, no stdin, and stdout and stderr
   * appended to {@code output}.
   *
   * @throws IOException when it could not start, with the reason (a missing program, say)
   */
  public Spawned spawn(List<String> argv, Map<String, String> env, Path dir, Path output) throws IOException {
    awaitReady();
    IOException gone = failure;
    if (gone != null) {
      throw gone;
    }
    int key = keys.incrementAndGet();
    Pending p = new Pending(new CompletableFuture<>(), new CompletableFuture<>());
    pending.put(key, p);
    try {
      synchronized (requests) {
        SpawnProtocol.write(requests, new SpawnProtocol.Request(key, argv, env, dir.toString(), output.toString()));
      }
      return new Spawned(p.pid().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS), p.exit());
    } catch (ExecutionException e) {
      pending.remove(key);
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the spawner did not start " + argv.getFirst() + " within " + START_TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + argv.getFirst());
    }
  }

  private void awaitReady() throws IOException {
    try {
      ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException(e.getCause().getMessage());
    } catch (TimeoutException e) {
      throw new IOException("the spawner did not come up within " + START_TIMEOUT_SECONDS + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the spawner");
    }
  }

  private void readReplies() {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(helper.getInputStream()))) {
      if (in.readInt() != SpawnProtocol.HELLO) {
        throw new IOException("the spawner said something unexpected");
      }
      ready.complete(null);
      while (true) {
        byte kind = in.readByte();
        int key = in.readInt();
        Pending p = pending.get(key);
        switch (kind) {
          case SpawnProtocol.STARTED -> p.pid().complete(in.readLong());
          case SpawnProtocol.FAILED -> {
            pending.remove(key);
            p.pid().completeExceptionally(new IOException(SpawnProtocol.readString(in)));
          }
          case SpawnProtocol.EXITED -> {
            pending.remove(key);
            p.exit().complete(in.readInt());
          }
          default -> throw new IOException("the spawner sent an unknown reply " + kind);
        }
      }
    } catch (IOException | RuntimeException e) {
      String why = closed || e instanceof EOFException ? "the emulator's spawner stopped" : "the emulator's spawner failed: " + e;
      IOException lost = new IOException(why);
      failure = lost;
      ready.completeExceptionally(lost);
      pending.values().forEach(p -> {
        p.pid().completeExceptionally(lost);
        p.exit().completeExceptionally(lost);
      });
      pending.clear();
    }
  }

  /** Stops the spawner; the processes it started are killed with it. */
  @Override
  public void close() {
    closed = true;
    try {
      requests.close();
    } catch (IOException e) {
      // It is gone already.
    }
    try {
      if (!helper.waitFor(10, TimeUnit.SECONDS)) {
        helper.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      helper.destroyForcibly();
    }
  }
}

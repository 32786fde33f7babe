package dev.lambdo.devkit.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM of its own: a worker or poller started from its runnable jar with its real main and env
 * settings, or a main class from this test run's classpath. Its output goes to {@code name.log}.
 */
public final class AppProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  public AppProcess(String name, Path jar, Map<String, String> env, Path logDir) throws IOException {
    this(name, List.of("-jar", checked(jar).toString()), env, logDir);
  }

  private AppProcess(String name, List<String> args, Map<String, String> env, Path logDir) throws IOException {
    log = logDir.resolve(name + ".log");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx256m"));
    if (Runtime.version().feature() >= 23) {
      // gRPC's netty still uses sun.misc.Unsafe; newer JDKs than the images' 21 warn about it on stderr.
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    process = builder.start();
  }

  /** {@code mainClass} with {@code args}, on the classpath this test runs with. */
  public static AppProcess ofMain(String name, Class<?> mainClass, List<String> args, Map<String, String> env,
      Path logDir) throws IOException {
    List<String> all = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    all.addAll(args);
    return new AppProcess(name, all, env, logDir);
  }

  private static Path checked(Path jar) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: build it with ./mvnw package first");
    }
    return jar;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGSTOP: the process stops dead, as a stalled VM would. */
  public void pause() throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).start().waitFor();
  }

  public void resume() throws IOException, InterruptedException {
    new ProcessBuilder("kill", "-CONT", Long.toString(process.pid())).start().waitFor();
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the process dies on the spot, as a crashed VM does. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  /** SIGTERM, as Fly or Docker stop it; returns the exit code. */
  public int stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(40, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}

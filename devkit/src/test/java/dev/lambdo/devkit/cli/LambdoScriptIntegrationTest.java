package dev.lambdo.devkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.sqs.ReceivedMessage;
import dev.lambdo.sqs.SqsQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code ./lambdo send} and {@code ./lambdo replay} as a person runs them: the script, its JVM and
 * the jar, in a shell with no locale set (as on this project's machines), where the JVM would
 * otherwise read an event's non-ASCII characters as '?' and print eight lines of JDK warnings.
 */
class LambdoScriptIntegrationTest {
  private static final Path SCRIPT = Path.of(System.getProperty("lambdo.script", "../lambdo"));

  private record Result(int exitCode, String out, String err) {}

  private static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    Map<String, String> kept = new HashMap<>();
    for (String name : List.of("PATH", "HOME", "JAVA_HOME", "MAVEN_OPTS")) {
      if (env.containsKey(name)) {
        kept.put(name, env.get(name));
      }
    }
    env.clear();
    env.putAll(kept);
    Path out = java.nio.file.Files.createTempFile("lambdo-out", ".txt");
    Path err = java.nio.file.Files.createTempFile("lambdo-err", ".txt");
    Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the script ends");
    return new Result(process.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
        java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void sendKeepsNonAsciiArgumentsWholeAndPrintsNoJdkWarnings() throws Exception {
    try (EmbeddedSqs sqs = new EmbeddedSqs(0)) {
      String queue = sqs.createQueues("lambdo", 30).main();
      String body = "{\"name\":\"Zoë ✓ 😀\",\"say\":\"it's \\\"quoted\\\"\"}";

      Result result = run("send", "--queue-url", queue, "--image", "alpine:3", body, "--command", "echo", "a b");

      assertEquals(0, result.exitCode(), result.toString());
      assertFalse(result.err().contains("WARNING"), "no JDK warnings: " + result.err());
      assertTrue(result.out().startsWith("sent message "), result.toString());
      List<ReceivedMessage> received = new SqsQueue(sqs.client())
          .receive(queue, 10, Duration.ofSeconds(2), Duration.ofSeconds(30));
      assertEquals(body, received.getFirst().body());
      assertEquals("[\"echo\",\"a b\"]", received.getFirst().attributes().get("command").stringValue());
    }
  }

  @Test
  void replayHelpIsCleanAndAnUnknownOptionIsExit2() throws Exception {
    Result help = run("replay", "--help");
    Result wrong = run("replay", "--nope");

    assertEquals(0, help.exitCode(), help.toString());
    assertEquals("", help.err(), "nothing but the help");
    assertTrue(help.out().contains("--dry-run"), help.toString());
    assertEquals(2, wrong.exitCode(), wrong.toString());
    assertTrue(wrong.err().startsWith("lambdo replay: Unknown option: '--nope'"), wrong.toString());
  }
}

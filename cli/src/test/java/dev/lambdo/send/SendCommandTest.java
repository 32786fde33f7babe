package dev.lambdo.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What send refuses before it talks to SQS, and what a dry run shows (SQS itself: SendCommandIntegrationTest). */
class SendCommandTest {
  private static final String QUEUE = "http://localhost:9324/000000000000/lambdo";
  private static final Map<String, String> ENV = Map.of("LAMBDO_SQS_QUEUE_URL", QUEUE);

  @TempDir Path dir;

  @Test
  void aDryRunShowsTheMessageWithTheCommandAsTheJsonArrayThePollerReads() {
    Run run = Run.of(ENV, "send", "--dry-run", "--image", "alpine:3", "--env", "MODE=a=b",
        "{\"say\":\"ü \\\"q\\\"\"}", "--command", "sh", "-c", "echo \"hi\" --env");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("body      {\"say\":\"ü \\\"q\\\"\"}"), run.toString());
    assertTrue(run.out().contains("command   [\"sh\",\"-c\",\"echo \\\"hi\\\" --env\"]"), run.toString());
    assertTrue(run.out().contains("env       {\"MODE\":\"a=b\"}"), run.toString());
    assertTrue(run.out().contains("machine   alpine:3 on performance-2x"), run.toString());
    assertTrue(run.out().contains("nothing was sent"), run.toString());
  }

  @Test
  void theEventComesFromStdinWithADashOrFromAFile() throws Exception {
    Path file = dir.resolve("event.json");
    Files.writeString(file, "{\"from\":\"file ✓\"}");

    Run stdin = Run.withStdin(ENV, "{\"from\":\"stdin ✓\"}", "send", "--dry-run", "--image", "alpine:3", "-");
    Run fromFile = Run.of(ENV, "send", "--dry-run", "--image", "alpine:3", "--file", file.toString());
    Run both = Run.of(ENV, "send", "--dry-run", "--image", "alpine:3", "--file", file.toString(), "{}");

    assertTrue(stdin.out().contains("body      {\"from\":\"stdin ✓\"}"), stdin.toString());
    assertTrue(fromFile.out().contains("body      {\"from\":\"file ✓\"}"), fromFile.toString());
    assertEquals(2, both.exitCode(), both.toString());
    assertTrue(both.err().contains("give the event once"), both.toString());
  }

  @Test
  void withoutAnEventItSaysHowToGiveOne() {
    Run run = Run.of(ENV, "send", "--image", "alpine:3");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("no event: give it as an argument, with --file FILE, or - to read stdin"), run.toString());
  }

  @Test
  void anEventThePollerWouldRejectIsNotSentAndTheReasonIsThePollers() {
    Run run = Run.of(ENV, "send", "--size", "huge", "{oops");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("lambdo send: the poller would not run this event: body is not JSON: "), run.toString());
    assertTrue(run.err().contains("attribute 'image' is required"), run.toString());
    assertTrue(run.err().contains("'huge' is not a Fly size"), run.toString());
  }

  @Test
  void aCommandGivenAsJsonIsPointedToPlainWords() {
    Run run = Run.of(ENV, "send", "--image", "alpine:3", "{}", "--command", "[\"sh\",\"-c\",\"echo hi\"]");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("--command takes the words themselves: --command sh -c 'echo hi'"), run.toString());
  }

  @Test
  void withoutAQueueItSaysWhereToNameOne() {
    Run run = Run.of(Map.of(), "send", "--image", "alpine:3", "{}");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("no queue: give --queue-url URL or set LAMBDO_SQS_QUEUE_URL"), run.toString());
  }

  @Test
  void anUnreachableQueueIsExit3WithoutAStackTrace() {
    Run run = Run.of(Map.of("LAMBDO_SQS_QUEUE_URL", "http://127.0.0.1:1/000000000000/lambdo"),
        "send", "--image", "alpine:3", "{}");

    assertEquals(3, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("lambdo send: could not reach SQS: "), run.toString());
    assertFalse(run.err().contains("\tat "), run.toString());
  }
}

package dev.lambdo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Help everywhere, usage errors in one line and exit 2, never a stack trace for them. */
class LambdoTest {
  @Test
  void helpNamesTheCommandsAndTheExitCodes() {
    Run run = Run.of(Map.of(), "--help");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().contains("send") && run.out().contains("replay"), run.toString());
    assertTrue(run.out().contains("Exit codes:"), run.toString());
    assertTrue(run.out().matches("(?s).*\n  3 +SQS or Temporal could not be reached.*"), run.toString());
  }

  @Test
  void eachCommandHasHelpWithItsOwnExitCodes() {
    Run send = Run.of(Map.of(), "send", "--help");
    Run replay = Run.of(Map.of(), "replay", "--help");
    Run viaHelp = Run.of(Map.of(), "help", "replay");

    assertEquals(0, send.exitCode(), send.toString());
    assertTrue(send.out().contains("--command") && send.out().contains("--env"), send.toString());
    assertFalse(send.out().contains("could not be replayed"), "send never exits 1");
    assertEquals(0, replay.exitCode(), replay.toString());
    assertTrue(replay.out().contains("--dry-run") && replay.out().contains("--limit"), replay.toString());
    assertTrue(replay.out().matches("(?s).*\n  1 +a batch could not be replayed.*"), replay.toString());
    assertEquals(replay.out(), viaHelp.out());
  }

  @Test
  void anUnknownCommandIsAOneLineUsageErrorWithASuggestion() {
    Run run = Run.of(Map.of(), "sendd");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("lambdo: Unmatched argument at index 0: 'sendd'"), run.toString());
    assertTrue(run.err().contains("send"), "suggests the command meant: " + run);
    assertTrue(run.err().contains("Run 'lambdo --help'"), run.toString());
    assertFalse(run.err().contains("\tat "), "no stack trace: " + run);
  }

  @Test
  void noCommandIsAUsageError() {
    Run run = Run.of(Map.of());

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("Missing a command: send, replay or codec-server"), run.toString());
  }
}

package dev.lambdo.codecserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.cli.Run;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CodecServerCommandTest {
  @Test
  void withoutKeyOrTokenItSaysWhatIsMissingAndStartsNothing() {
    Run run = Run.of(Map.of(), "codec-server", "--port", "0");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("LAMBDO_CODEC_SERVER_TOKEN is required"), run.toString());
    assertTrue(run.err().contains("LAMBDO_PAYLOAD_KEY is required"), run.toString());
  }

  @Test
  void aBadKeyIsNamedButNeverPrinted() {
    Run run = Run.of(Map.of("LAMBDO_CODEC_SERVER_TOKEN", "t", "LAMBDO_PAYLOAD_KEY", "k1:c2hvcnRrZXk="),
        "codec-server", "--port", "0");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().contains("AES-256 needs 32"), run.toString());
    assertFalse(run.toString().contains("c2hvcnRrZXk="), run.toString());
  }
}

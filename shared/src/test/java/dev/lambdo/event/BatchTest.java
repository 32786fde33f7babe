package dev.lambdo.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdo.config.OnFailure;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchTest {
  private static final MachineSpec SPEC = new MachineSpec("img:1", "performance-2x",
      Guest.cpu("performance", 2, 4096), null, null, null, 60, 2);

  @Test
  void eventsJsonIsAnArrayOfTheBodiesAsSent() throws Exception {
    Batch batch = new Batch("q", SPEC, List.of(
        new QueuedEvent("a", "h", "{\"x\": 1}", 1), new QueuedEvent("b", "h", " \"text\"\n", 1),
        new QueuedEvent("c", "h", "[true,null]", 1)), OnFailure.ACK);
    String json = batch.eventsJson();
    assertEquals("[{\"x\": 1}, \"text\"\n,[true,null]]", json, "each body byte for byte, a trailing newline too");
    assertEquals(3, new ObjectMapper().readTree(json).size());
  }

  @Test
  void summaryNamesCountImageAndSize() {
    Batch batch = new Batch("q", SPEC, List.of(new QueuedEvent("a", "h", "1", 1),
        new QueuedEvent("b", "h", "2", 1), new QueuedEvent("c", "h", "3", 1)), OnFailure.ACK);
    assertEquals("3 events → img:1 on performance-2x", batch.summary());
  }

  @Test
  void emptyBatchIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Batch("q", SPEC, List.of(), OnFailure.ACK));
  }

  /** Batches in Temporal's histories from before the send time was kept read it as unknown. */
  @Test
  void theSendTimeTravelsInTheWorkflowInputAndOlderInputsReadItAsUnknown() {
    var converter = io.temporal.common.converter.DefaultDataConverter.newDefaultInstance();
    Batch batch = new Batch("q", SPEC, List.of(new QueuedEvent("a", "h", "1", 1, 1_700_000_000_123L)), OnFailure.ACK);
    var payload = converter.toPayload(batch).orElseThrow();
    assertEquals(batch, converter.fromPayload(payload, Batch.class, Batch.class));

    String older = payload.getData().toStringUtf8().replace(",\"sentAtMs\":1700000000123", "");
    var olderPayload = payload.toBuilder().setData(com.google.protobuf.ByteString.copyFromUtf8(older)).build();
    assertEquals(0, converter.fromPayload(olderPayload, Batch.class, Batch.class).events().getFirst().sentAtMs());
  }

  /**
   * Issue 9: the machine the poller made travels in the workflow input; inputs from before it read
   * as none, and neither a replay nor the next run of a continued batch takes it up again.
   */
  @Test
  void thePollersFirstCreateTravelsInTheInputForThisRunAlone() {
    var converter = io.temporal.common.converter.DefaultDataConverter.newDefaultInstance();
    var made = new dev.lambdo.workflow.FirstCreate(new dev.lambdo.workflow.MachineRef("m-1", "n", "iad", "v1"));
    Batch batch = new Batch("q", SPEC, List.of(new QueuedEvent("a", "h", "1", 1)), OnFailure.ACK).withFirstCreate(made);
    var payload = converter.toPayload(batch).orElseThrow();
    assertEquals(made, converter.fromPayload(payload, Batch.class, Batch.class).firstCreate());

    String older = payload.getData().toStringUtf8().replaceAll(",\"firstCreate\":\\{.*\\}\\}$", "}");
    assertEquals(false, older.contains("firstCreate"), older);
    var olderPayload = payload.toBuilder().setData(com.google.protobuf.ByteString.copyFromUtf8(older)).build();
    assertEquals(null, converter.fromPayload(olderPayload, Batch.class, Batch.class).firstCreate());

    assertEquals(null, batch.asReplayOf("wf").firstCreate());
    assertEquals(null, batch.continued(java.util.Map.of(), null).firstCreate());
    assertEquals(made, batch.only(List.of("a")).firstCreate());
  }
}

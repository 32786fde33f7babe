package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13: machine leases as docs/fly-machines-api.md §3 has them — one holder at a time (409
 * for the others), a nonce every later call on the machine must send, a TTL after which the
 * lease is gone, refresh with the nonce.
 */
class FlyEmulatorLeaseTest {
  private static final String NONCE = "fly-machine-lease-nonce";

  @RegisterExtension final RunningEmulator emulator = new RunningEmulator();

  private String stoppedMachine() {
    String id = emulator.http().createId("", "true");
    emulator.http().machines("GET", "/" + id + "/wait?state=stopped&timeout=10", null);
    return id;
  }

  private EmulatorHttp.Reply acquire(String id, int ttl) {
    return emulator.http().machines("POST", "/" + id + "/lease", "{\"ttl\":" + ttl + ",\"description\":\"pool\"}");
  }

  @Test
  void oneHolderAtATimeAndTheOthersGet409() {
    String id = stoppedMachine();

    EmulatorHttp.Reply first = acquire(id, 30);
    EmulatorHttp.Reply second = acquire(id, 30);

    assertEquals(201, first.status(), first.body().toString());
    assertEquals("success", first.body().path("status").asText());
    String nonce = first.body().path("data").path("nonce").asText();
    assertFalse(nonce.isBlank());
    assertTrue(first.body().path("data").path("expires_at").asLong() > System.currentTimeMillis() / 1000);
    assertEquals(409, second.status());
    assertTrue(second.body().path("message").asText().contains("lease currently held"), second.body().toString());
    assertEquals(nonce, emulator.http().machines("GET", "/" + id + "/lease", null).body().path("data").path("nonce").asText());
  }

  @Test
  void whileLeasedEveryChangeNeedsTheNonce() {
    String id = stoppedMachine();
    String nonce = acquire(id, 30).body().path("data").path("nonce").asText();
    String update = "{\"skip_launch\":true,\"config\":{\"image\":\"img:1\",\"init\":{\"cmd\":[\"true\"]}}}";

    assertEquals(409, emulator.http().machines("POST", "/" + id, update).status());
    assertEquals(409, emulator.http().machines("POST", "/" + id + "/start", null).status());
    assertEquals(409, emulator.http().machines("POST", "/" + id + "/stop", "{}").status());
    assertEquals(409, emulator.http().machines("DELETE", "/" + id, null).status());
    assertEquals(409, emulator.http().withHeader(NONCE, "not-the-nonce").machines("POST", "/" + id, update).status());

    EmulatorHttp holder = emulator.http().withHeader(NONCE, nonce);
    assertEquals(200, holder.machines("POST", "/" + id, update).status());
    assertEquals(200, holder.machines("POST", "/" + id + "/start", null).status());
  }

  @Test
  void theHolderRefreshesAndReleasesIt() {
    String id = stoppedMachine();
    String nonce = acquire(id, 30).body().path("data").path("nonce").asText();
    EmulatorHttp holder = emulator.http().withHeader(NONCE, nonce);

    EmulatorHttp.Reply refreshed = holder.machines("POST", "/" + id + "/lease", "{\"ttl\":60}");
    assertEquals(201, refreshed.status(), refreshed.body().toString());
    assertEquals(nonce, refreshed.body().path("data").path("nonce").asText());

    assertEquals(409, emulator.http().machines("DELETE", "/" + id + "/lease", null).status(), "release needs the nonce");
    assertEquals(200, holder.machines("DELETE", "/" + id + "/lease", null).status());
    assertEquals(404, emulator.http().machines("GET", "/" + id + "/lease", null).status());
    assertEquals(201, acquire(id, 30).status(), "free again");
  }

  @Test
  void aLeaseEndsWithItsTtl() throws InterruptedException {
    String id = stoppedMachine();
    assertEquals(201, acquire(id, 1).status());
    Thread.sleep(1300);
    assertEquals(404, emulator.http().machines("GET", "/" + id + "/lease", null).status());
    assertEquals(201, acquire(id, 30).status(), "a crashed holder's lease lapses");
  }

  @Test
  void aLeaseNeedsAPositiveTtl() {
    String id = stoppedMachine();
    assertEquals(400, emulator.http().machines("POST", "/" + id + "/lease", "{}").status());
    assertEquals(400, acquire(id, 0).status());
    assertEquals(201, emulator.http().machines("POST", "/" + id + "/lease?ttl=5", null).status(), "fly-go sends ?ttl=");
  }
}

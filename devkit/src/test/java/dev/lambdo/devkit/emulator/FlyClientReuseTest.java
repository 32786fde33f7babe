package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.Secret;
import dev.lambdo.event.Guest;
import dev.lambdo.fly.CreateMachineRequest;
import dev.lambdo.fly.FlyApiException;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.Machine;
import dev.lambdo.fly.MachineConfig;
import dev.lambdo.fly.MachineLease;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13: Lambdo's Fly client and the emulator agree on reusing a machine — lease it, update it
 * with the next run's config, let it run, give it back stopped — as a warm pool will.
 */
class FlyClientReuseTest {
  @RegisterExtension final RunningEmulator emulator = new RunningEmulator();

  private FlyClient client() {
    return new FlyClient(FlyClient.defaultHttpClient(), HttpUrl.get(emulator.fly().url()),
        HttpUrl.get(emulator.fly().url()), new Secret(EmulatorHttp.TOKEN), EmulatorHttp.APP);
  }

  /** Fails when the last run's file is still there, then leaves one. */
  private static MachineConfig run(String name) {
    return new MachineConfig("img:1", new MachineConfig.Init(List.of("sh", "-c",
        "test -e marker && exit 3; touch marker; echo " + name), null), Map.of("RUN", name), List.of(),
        Guest.cpu("shared", 1, 256), new MachineConfig.Restart("no"), Map.of("lambdo_pool", "p1"), false);
  }

  private int exitOf(FlyClient fly, String id) {
    fly.waitFor(id, "stopped", Duration.ofSeconds(10)).orElseThrow();
    return emulator.fly().exitCode(id).orElseThrow();
  }

  @Test
  void aLeasedMachineRunsTwoBatchesAndNeitherSeesTheOthersFiles() {
    FlyClient fly = client();
    Machine machine = fly.create(new CreateMachineRequest("pool-1", "iad", run("first")));
    assertEquals(0, exitOf(fly, machine.id()));

    MachineLease lease = fly.acquireLease(machine.id(), Duration.ofSeconds(30), "lambdo-b a1").orElseThrow();
    assertTrue(fly.acquireLease(machine.id(), Duration.ofSeconds(30), "lambdo-c a1").isEmpty(), "one holder");
    FlyApiException refused = assertThrows(FlyApiException.class,
        () -> fly.update(machine.id(), run("intruder"), false, null));
    assertEquals(409, refused.status());

    Machine updated = fly.update(machine.id(), run("second"), false, lease.nonce());
    assertFalse(updated.instanceId().equals(machine.instanceId()), "a new version");
    assertEquals(0, exitOf(fly, machine.id()), "the second run found no marker");
    assertEquals("lambdo-b a1", fly.lease(machine.id()).orElseThrow().description());

    fly.releaseLease(machine.id(), lease.nonce());
    assertTrue(fly.lease(machine.id()).isEmpty());
    assertEquals("stopped", emulator.fly().state(machine.id()), "back in the pool, stopped");
  }

  @Test
  void aStoppedMachineStartsAgainWithTheNonce() {
    FlyClient fly = client();
    Machine machine = fly.create(new CreateMachineRequest("pool-2", "iad", run("first")));
    assertEquals(0, exitOf(fly, machine.id()));
    MachineLease lease = fly.acquireLease(machine.id(), Duration.ofSeconds(30), "lambdo-d a1").orElseThrow();
    fly.update(machine.id(), run("second"), true, lease.nonce());
    assertEquals("stopped", emulator.fly().state(machine.id()), "skip_launch leaves it stopped");

    fly.start(machine.id(), lease.nonce());

    assertEquals(0, exitOf(fly, machine.id()));
    MachineLease refreshed = fly.refreshLease(machine.id(), lease.nonce(), Duration.ofSeconds(90));
    assertEquals(lease.nonce(), refreshed.nonce());
    assertTrue(refreshed.expiresAt() > lease.expiresAt(), "longer than the first");
    fly.stop(machine.id(), "SIGTERM", Duration.ofSeconds(5), lease.nonce());
    assertTrue(fly.destroy(machine.id(), lease.nonce()));
  }
}

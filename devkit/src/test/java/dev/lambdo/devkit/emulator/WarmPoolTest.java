package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.PoolSettings;
import dev.lambdo.config.Secret;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.Machine;
import dev.lambdo.fly.MachineConfig;
import dev.lambdo.pool.WarmPool;
import dev.lambdo.workflow.MachineMetadata;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 13: claiming an idle pooled machine and giving it back, against the emulator's leases. */
class WarmPoolTest {
  @RegisterExtension final RunningEmulator emulator = new RunningEmulator();

  private final PoolSettings.Pool pool = PoolSettings.parse(
      "[{\"image\":\"img:1\",\"size\":\"shared-cpu-1x\",\"region\":\"iad\",\"max\":4}]", "iad").getFirst();

  private FlyClient fly() {
    return new FlyClient(FlyClient.defaultHttpClient(), HttpUrl.get(emulator.fly().url()),
        HttpUrl.get(emulator.fly().url()), new Secret(EmulatorHttp.TOKEN), EmulatorHttp.APP);
  }

  /** A batch's config: fails if the last run left its marker, then leaves one. */
  private MachineConfig batch(String workflowId) {
    return new MachineConfig("img:1", new MachineConfig.Init(List.of("sh", "-c",
        "test -e marker && exit 3; touch marker"), null), Map.of(), List.of(), pool.guest(),
        new MachineConfig.Restart("no"), Map.of(MachineMetadata.WORKFLOW_ID, workflowId), false);
  }

  private int exitOf(FlyClient fly, String id) {
    fly.waitFor(id, "stopped", Duration.ofSeconds(10)).orElseThrow();
    return emulator.fly().exitCode(id).orElseThrow();
  }

  @Test
  void anIdleMachineRunsABatchAndComesBackIdleWithoutItsFiles() {
    FlyClient fly = fly();
    WarmPool warm = new WarmPool(fly);
    String id = warm.add(pool).id();

    Machine claimed = warm.claim(pool, batch("wf-1")).orElseThrow();

    assertEquals(id, claimed.id());
    assertEquals("wf-1", claimed.metadata().get(MachineMetadata.WORKFLOW_ID));
    assertEquals(pool.key(), claimed.metadata().get(MachineMetadata.POOL));
    assertEquals(0, exitOf(fly, id));
    assertTrue(warm.claim(pool, batch("wf-2")).isEmpty(), "a busy machine is nobody else's");

    assertTrue(warm.giveBack(pool, id, claimed.instanceId(), "wf-1"));

    Machine idle = fly.get(id);
    assertEquals("stopped", idle.state());
    assertEquals(pool.key(), idle.metadata().get(MachineMetadata.POOL));
    assertEquals("true", idle.metadata().get(MachineMetadata.IDLE));
    assertEquals(null, idle.metadata().get(MachineMetadata.WORKFLOW_ID));
    assertTrue(WarmPool.idleSince(idle).isAfter(java.time.Instant.now().minusSeconds(60)), idle.metadata().toString());
    assertTrue(idle.config().path("files").isEmpty(), "the batch's events went with the update");
    Machine again = warm.claim(pool, batch("wf-3")).orElseThrow();
    assertEquals(0, exitOf(fly, again.id()), "the next batch found no marker");
  }

  /**
   * A give-back whose answer was lost is tried again after the machine went to another batch:
   * the retry must leave that batch's machine alone and not have it destroyed either.
   */
  @Test
  void aRetriedGiveBackLeavesTheNextBatchsMachineAlone() {
    FlyClient fly = fly();
    WarmPool warm = new WarmPool(fly);
    String id = warm.add(pool).id();
    String version = warm.claim(pool, batch("wf-1")).orElseThrow().instanceId();
    exitOf(fly, id);
    assertTrue(warm.giveBack(pool, id, version, "wf-1"));
    warm.claim(pool, batch("wf-2")).orElseThrow();

    assertTrue(warm.giveBack(pool, id, version, "wf-1"), "given back already: nothing for wf-1 to destroy");

    assertEquals("wf-2", fly.get(id).metadata().get(MachineMetadata.WORKFLOW_ID), "still wf-2's");
  }

  @Test
  void twoBatchesRacingForOneIdleMachineNeverShareIt() throws Exception {
    FlyClient fly = fly();
    WarmPool warm = new WarmPool(fly);
    String id = warm.add(pool).id();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Optional<Machine>>> claims = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < 4; i++) {
        String holder = "wf-" + i + " a1";
        claims.add(threads.submit(() -> {
          go.await();
          return warm.claim(pool, batch(holder));
        }));
      }
      go.countDown();
    }
    List<Machine> won = Collections.synchronizedList(new ArrayList<>());
    for (Future<Optional<Machine>> claim : claims) {
      claim.get().ifPresent(won::add);
    }
    assertEquals(1, won.size(), "one batch got the machine: " + won);
  }

  /** Two workers, each with its own view of the pool, racing for its one idle machine. */
  @Test
  void twoWorkersRacingForOneIdleMachineNeverShareIt() throws Exception {
    String id = new WarmPool(fly()).add(pool).id();
    List<WarmPool> workers = List.of(new WarmPool(fly()), new WarmPool(fly()));
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Optional<Machine>>> claims = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
      for (WarmPool worker : workers) {
        claims.add(threads.submit(() -> {
          go.await();
          return worker.claim(pool, batch("wf-" + workers.indexOf(worker)));
        }));
      }
      go.countDown();
    }
    long won = 0;
    for (Future<Optional<Machine>> claim : claims) {
      won += claim.get().map(m -> 1).orElse(0);
    }
    assertEquals(1, won);
    assertEquals("false", String.valueOf(WarmPool.isIdle(fly().get(id))), "taken by the one that won");
  }

  /** The keeper and the reaper destroy under the lease: a claim then must not update the machine. */
  @Test
  void aMachineLeasedForItsDestroyIsNotClaimed() {
    FlyClient fly = fly();
    WarmPool warm = new WarmPool(fly);
    String id = warm.add(pool).id();
    fly.acquireLease(id, Duration.ofSeconds(10), "keeper").orElseThrow();

    assertTrue(warm.claim(pool, batch("wf-1")).isEmpty());
    assertTrue(WarmPool.isIdle(fly.get(id)), "still idle, for the keeper to destroy");
  }

  @Test
  void anotherShapesMachinesAreNotThisPools() {
    FlyClient fly = fly();
    WarmPool warm = new WarmPool(fly);
    PoolSettings.Pool other = PoolSettings.parse(
        "[{\"image\":\"img:2\",\"size\":\"shared-cpu-1x\",\"region\":\"iad\",\"max\":4}]", "iad").getFirst();
    String id = warm.add(other).id();
    assertTrue(warm.claim(pool, batch("wf-1")).isEmpty());
  }
}

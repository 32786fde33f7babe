package dev.lambdo.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.lambdo.config.PoolSettings;
import dev.lambdo.config.Secret;
import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.MachineConfig;
import dev.lambdo.workflow.MachineMetadata;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13: the keeper's round against the emulator: top-up, shrink after idle, the max, the gauges. */
class PoolUpkeepTest {
  @TempDir Path dir;
  private FlyEmulator emulator;
  private FlyClient fly;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PoolSettings.Pool pool = PoolSettings.parse(
      "[{\"image\":\"img:1\",\"size\":\"shared-cpu-1x\",\"region\":\"iad\",\"min_idle\":2,\"max\":3,\"idle_seconds\":600}]",
      "iad").getFirst();
  private Instant now = Instant.parse("2026-11-23T10:00:00Z");

  @BeforeEach
  void start() throws Exception {
    emulator = new FlyEmulator(0, "t0ken", dir);
    fly = new FlyClient(FlyClient.defaultHttpClient(), HttpUrl.get(emulator.url()), HttpUrl.get(emulator.url()),
        new Secret("t0ken"), "app");
  }

  @AfterEach
  void stop() {
    emulator.close();
  }

  private Clock clock() {
    return Clock.fixed(now, ZoneOffset.UTC);
  }

  private PoolReport round() {
    return new PoolUpkeepImpl(new WarmPool(fly, clock()), new Pools(List.of(pool), "iad"), clock(), registry)
        .keepPools().getFirst();
  }

  private double gauge(String state) {
    return registry.get("lambdo.pool.machines").tag("pool", pool.key()).tag("state", state).gauge().value();
  }

  @Test
  void anEmptyPoolIsToppedUpToItsMinIdleAndCounted() {
    PoolReport report = round();

    assertEquals(2, report.added());
    assertEquals(2, new WarmPool(fly).idle(pool).size());
    assertEquals(2, gauge("idle"));
    assertEquals(0, gauge("busy"));
    assertEquals(0, round().added(), "at its min: nothing more");
  }

  @Test
  void machinesIdlePastTheirTimeAreDestroyedDownToTheMin() {
    WarmPool warm = new WarmPool(fly, clock());
    warm.add(pool);
    warm.add(pool);
    warm.add(pool);
    now = now.plus(Duration.ofMinutes(11));

    PoolReport report = round();

    assertEquals(1, report.destroyed().size(), "three idle past 10 min, min idle 2: " + report);
    assertEquals(2, new WarmPool(fly).idle(pool).size());
    assertEquals(0, report.added());
  }

  @Test
  void machinesIdleBrieflyStayAndABusyOneCountsTowardTheMax() {
    WarmPool warm = new WarmPool(fly, clock());
    warm.add(pool);
    warm.add(pool);
    String busy = warm.add(pool).id();
    String taken = warm.claim(pool, new MachineConfig("img:1", new MachineConfig.Init(List.of("sleep", "30"), null),
        Map.of(), List.of(), pool.guest(), new MachineConfig.Restart("no"), Map.of(MachineMetadata.WORKFLOW_ID, "wf-1"),
        false)).orElseThrow().id();
    now = now.plus(Duration.ofMinutes(5));

    PoolReport report = round();

    assertEquals(List.of(), report.destroyed());
    assertEquals(0, report.added(), "two idle, one busy: at max 3");
    assertEquals(1, report.busy());
    assertEquals(1, gauge("busy"));
    assertNotEquals("destroyed", emulator.state(taken));
    assertNotEquals("destroyed", emulator.state(busy));
  }
}

package dev.lambdo.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.event.Guest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolSettingsTest {
  private static List<PoolSettings.Pool> read(String json) {
    return PoolSettings.parse(json, "iad");
  }

  private static String problems(String json) {
    return assertThrows(ConfigException.class, () -> read(json)).getMessage();
  }

  @Test
  void noSettingMeansNoPools() {
    assertEquals(List.of(), PoolSettings.parse(null, "iad"));
    assertEquals(List.of(), PoolSettings.parse(" ", "iad"));
  }

  @Test
  void aPoolNamesItsShapeAndItsBounds() {
    PoolSettings.Pool pool = read("""
        [{"image":"registry.fly.io/app:v3","size":"shared-cpu-1x","region":"ord","min_idle":2,"max":10,
          "idle_seconds":300}]""").getFirst();

    assertEquals("registry.fly.io/app:v3", pool.image());
    assertEquals(Guest.cpu("shared", 1, 256), pool.guest());
    assertEquals("ord", pool.region());
    assertEquals(2, pool.minIdle());
    assertEquals(10, pool.max());
    assertEquals(Duration.ofSeconds(300), pool.idleFor());
  }

  @Test
  void regionMinIdleAndIdleTimeHaveDefaults() {
    PoolSettings.Pool pool = read("[{\"image\":\"img:1\",\"size\":\"performance-2x\",\"max\":3}]").getFirst();
    assertEquals("iad", pool.region(), "the worker's Fly region");
    assertEquals(0, pool.minIdle());
    assertEquals(PoolSettings.DEFAULT_IDLE, pool.idleFor());
  }

  @Test
  void theKeyIsTheShapeSoEqualShapesShareIt() {
    List<PoolSettings.Pool> pools = read("""
        [{"image":"img:1","size":"shared-cpu-1x","max":3},{"image":"img:2","size":"shared-cpu-1x","max":3}]""");
    assertNotEquals(pools.get(0).key(), pools.get(1).key());
    assertEquals(pools.get(0).key(), read("[{\"image\":\"img:1\",\"size\":\"shared-cpu-1x\",\"max\":9}]").getFirst().key());
    assertTrue(pools.get(0).key().matches("[0-9a-f]{16}"), pools.get(0).key());
  }

  @Test
  void everyBadFieldIsNamedAtOnce() {
    String problems = problems("""
        [{"size":"huge-9x","max":0,"min_idle":-1,"idle_seconds":5,"colour":"red"}]""");
    assertTrue(problems.contains("LAMBDO_POOLS[0].image is required"), problems);
    assertTrue(problems.contains("LAMBDO_POOLS[0].size 'huge-9x' is not a Fly size"), problems);
    assertTrue(problems.contains("LAMBDO_POOLS[0].max must be between 1 and 1000"), problems);
    assertTrue(problems.contains("LAMBDO_POOLS[0].min_idle must be between 0 and"), problems);
    assertTrue(problems.contains("LAMBDO_POOLS[0].idle_seconds must be between 60 and 86400"), problems);
    assertTrue(problems.contains("LAMBDO_POOLS[0] has an unknown field 'colour'"), problems);
  }

  @Test
  void minIdleCannotPassMaxAndAShapeHasOnePool() {
    assertTrue(problems("[{\"image\":\"i\",\"size\":\"shared-cpu-1x\",\"max\":2,\"min_idle\":3}]")
        .contains("min_idle 3 is above max 2"));
    assertTrue(problems("""
        [{"image":"i","size":"shared-cpu-1x","max":2},{"image":"i","size":"shared-cpu-1x","max":5}]""")
        .contains("LAMBDO_POOLS[1] has the shape of LAMBDO_POOLS[0]"));
  }

  @Test
  void aPoolLivesInOneRegion() {
    assertTrue(problems("[{\"image\":\"i\",\"size\":\"shared-cpu-1x\",\"max\":2,\"region\":\"iad,dfw\"}]")
        .contains("LAMBDO_POOLS[0].region is one region code, had 'iad,dfw'"));
    assertTrue(problems("[{\"image\":\"i\",\"size\":\"shared-cpu-1x\",\"max\":2,\"region\":\"i a d\"}]")
        .contains("LAMBDO_POOLS[0].region must be region codes"));
    String none = assertThrows(ConfigException.class,
        () -> PoolSettings.parse("[{\"image\":\"i\",\"size\":\"shared-cpu-1x\",\"max\":2}]", null)).getMessage();
    assertTrue(none.contains("region is required when the worker has no LAMBDO_FLY_REGION"), none);
    assertTrue(problems("[{\"image\":7,\"size\":\"shared-cpu-1x\",\"max\":2}]").contains("image is required, as a string"));
  }

  @Test
  void notAJsonArrayIsRefused() {
    assertTrue(problems("{\"image\":\"i\"}").contains("LAMBDO_POOLS must be a JSON array of pools"));
    assertTrue(problems("[oops").contains("LAMBDO_POOLS must be a JSON array of pools"));
  }
}

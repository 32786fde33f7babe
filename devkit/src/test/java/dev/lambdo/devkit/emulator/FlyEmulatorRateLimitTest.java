package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fly's documented limits (docs/fly-machines-api.md §5) over HTTP. Requests in a test run much faster than the
 * buckets refill, but not instantly, so each check allows for what the elapsed time refilled.
 */
class FlyEmulatorRateLimitTest {
  @RegisterExtension final RunningEmulator emulator =
      new RunningEmulator(fly -> fly.faults().rateLimits(RateLimits.FLY));

  /** Statuses of {@code count} calls in a row, and how many the refill over that time can excuse. */
  private record Burst(List<Integer> statuses, double refilled) {
    long ok() {
      return statuses.stream().filter(s -> s != 429).count();
    }
  }

  private Burst burst(int count, double perSecond, java.util.function.IntSupplier call) {
    long start = System.nanoTime();
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      statuses.add(call.getAsInt());
    }
    return new Burst(statuses, (System.nanoTime() - start) / 1e9 * perSecond);
  }

  @Test
  void createsBeyondABurstOfThreeAreRefusedWith429AndRetryAfter() {
    Burst burst = burst(6, 1, () -> emulator.http().create("", "true").status());

    assertEquals(List.of(200, 200, 200), burst.statuses().subList(0, 3), "the burst of 3 is allowed");
    assertTrue(burst.ok() <= 3 + Math.ceil(burst.refilled()), burst.toString());
    EmulatorHttp.Reply refused = emulator.http().create("", "true");
    assertEquals(429, refused.status());
    assertEquals("rate limited", refused.body().path("error").asText());
    assertEquals("1", refused.header("Retry-After"));
    assertEquals(burst.ok(), emulator.fly().machinesCreated(), "only accepted creates count");
    assertEquals(burst.statuses().size() - burst.ok() + 1, emulator.fly().http429());
  }

  @Test
  void getMachineHasItsOwnBucketOfTenAtFivePerSecond() {
    String id = emulator.http().createId("", "sleep", "30");

    Burst burst = burst(20, 5, () -> emulator.http().machines("GET", "/" + id, null).status());

    assertEquals(10, burst.statuses().subList(0, 10).stream().filter(s -> s == 200).count(), burst.toString());
    assertTrue(burst.ok() <= 10 + Math.ceil(burst.refilled()), burst.toString());
    assertTrue(burst.statuses().contains(429), burst.toString());
  }

  @Test
  void bucketsAreCountedPerMachineAndPerAction() {
    String a = emulator.http().createId("", "sleep", "30");
    String b = emulator.http().createId("", "sleep", "30");
    burst(6, 1, () -> emulator.http().machines("GET", "/" + a + "/events", null).status());
    assertEquals(429, emulator.http().machines("GET", "/" + a + "/events", null).status(), "a's events bucket is empty");

    assertEquals(200, emulator.http().machines("GET", "/" + b + "/events", null).status(), "b has buckets of its own");
    assertEquals(200, emulator.http().machines("GET", "/" + a + "/wait?state=started&timeout=5", null).status(),
        "wait is another action than events");
    assertEquals(200, emulator.http().machines("GET", "/" + a, null).status(), "and so is get");
  }

  /** Issue 13: what makes a warm pool pay: starts count per machine, creates per app. */
  @Test
  void startsAreCountedPerMachineSoAnEmptyCreateBucketHoldsNoneBack() {
    List<String> ids = List.of(emulator.http().createId("", "true"), emulator.http().createId("", "true"),
        emulator.http().createId("", "true"));
    ids.forEach(id -> emulator.http().machines("GET", "/" + id + "/wait?state=stopped&timeout=5", null));
    burst(6, 1, () -> emulator.http().create("", "true").status());
    assertEquals(429, emulator.http().create("", "true").status(), "the app's create bucket is empty");

    for (String id : ids) {
      assertEquals(200, emulator.http().machines("POST", "/" + id + "/start", null).status(), id);
    }
    Burst again = burst(4, 1, () -> emulator.http().machines("POST", "/" + ids.getFirst() + "/start", null).status());
    assertTrue(again.statuses().contains(429), "one machine's starts have their own bucket of 3: " + again);
  }

  @Test
  void limitsCanBeSwitchedOffWhileRunningAndTheHeaderLeftOut() {
    burst(4, 1, () -> emulator.http().create("", "true").status());
    emulator.fly().faults().rateLimits(RateLimits.FLY.retryAfterHeader(false));
    burst(4, 1, () -> emulator.http().create("", "true").status());
    EmulatorHttp.Reply refused = emulator.http().create("", "true");
    assertEquals(429, refused.status());
    assertNull(refused.header("Retry-After"));

    emulator.fly().faults().rateLimits(RateLimits.OFF);
    assertEquals(List.of(200, 200, 200, 200, 200, 200), burst(6, 1, () -> emulator.http().create("", "true").status()).statuses());
  }
}

package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Get App, which the worker's readiness asks: it proves the token, and spends no machine call's fault or budget. */
class FlyEmulatorAppTest {
  @RegisterExtension final RunningEmulator emulator = new RunningEmulator();

  @Test
  void answersTheAppWithTheToken() {
    EmulatorHttp.Reply app = emulator.http().get("/v1/apps/" + EmulatorHttp.APP);
    assertEquals(200, app.status());
    assertEquals(EmulatorHttp.APP, app.body().path("name").asText());
    assertEquals(401, new EmulatorHttp(emulator.fly(), "wrong").get("/v1/apps/" + EmulatorHttp.APP).status());
  }

  @Test
  void leavesInjectedFailuresAndRateLimitsToTheMachineCalls() {
    emulator.fly().faults().rateLimits(RateLimits.FLY).failNext(1, 503, null);
    for (int i = 0; i < 5; i++) {
      assertEquals(200, emulator.http().get("/v1/apps/" + EmulatorHttp.APP).status());
    }
    assertEquals(503, emulator.http().machines("GET", "", null).status(), "the fault waited for a machine call");
  }
}

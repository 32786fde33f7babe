package dev.lambdo.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lambdo.config.FlySettings;
import dev.lambdo.config.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FlyCheckTest {
  private static final String TOKEN = "fo1_s3cr3t-token";
  private final MockWebServer server = new MockWebServer();
  private FlyCheck check;

  @BeforeEach
  void start() throws IOException {
    server.start();
    URI url = server.url("/").uri();
    check = FlyCheck.of(new FlySettings(url, url, new Secret(TOKEN), "my-app", null), new SimpleMeterRegistry());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void answer(int code, String body) {
    server.enqueue(new MockResponse.Builder().code(code).body(body).build());
  }

  @Test
  void asksForTheAppWithTheToken() throws Exception {
    answer(200, "{\"id\":\"z4k69dxd8r31p5mx\",\"name\":\"my-app\",\"status\":\"deployed\"}");
    assertEquals(CheckResult.ok("app my-app"), check.check());
    var request = server.takeRequest();
    assertEquals("GET", request.getMethod());
    assertEquals("/v1/apps/my-app", request.getUrl().encodedPath());
  }

  @Test
  void aRefusedTokenFailsReadinessAndIsNotRepeated() {
    answer(401, "{\"error\":\"Authenticate: token validation error\"}");
    CheckResult result = check.check();
    assertEquals(CheckResult.failed("token refused (401): Authenticate: token validation error"), result);
    assertFalse(result.detail().contains(TOKEN));
  }

  @Test
  void anAppTheTokenCannotSeeFails() {
    answer(404, "{\"error\":\"app not found\"}");
    assertEquals(CheckResult.failed("app my-app not found, or the token may not see it (404)"), check.check());
  }

  @Test
  void flyPacingTheAppIsNoReasonToBeUnready() {
    answer(429, "{\"error\":\"rate limited\"}");
    assertEquals(CheckResult.ok("app my-app (Fly answered 429: rate limited)"), check.check());
  }

  @Test
  void noAnswerFails() {
    server.close();
    CheckResult result = check.check();
    assertFalse(result.ok());
    assertEquals(true, result.detail().startsWith("unreachable: "), result.detail());
  }
}

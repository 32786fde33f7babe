package dev.lambdo.fly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lambdo.config.Secret;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every answer Fly gives is counted by operation and status: 429s show how hard Fly paces the app. */
class FlyResponsesTest {
  private final MockWebServer server = new MockWebServer();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private FlyClient fly;

  @BeforeEach
  void start() throws IOException {
    server.start();
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(5)).build();
    fly = new FlyClient(http, server.url("/"), server.url("/"), new Secret("fo1_s3cr3t"), "my-app", registry);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private void answer(int code, String body) {
    server.enqueue(new MockResponse.Builder().code(code).body(body).build());
  }

  private double count(String operation, String status) {
    var counter = registry.find("lambdo.fly.responses").tags("operation", operation, "status", status).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void countsEachAnswerByOperationAndStatus() {
    answer(429, "{\"error\":\"rate limited\"}");
    answer(200, "{\"id\":\"m1\",\"state\":\"created\"}");
    answer(408, "{\"error\":\"deadline_exceeded\"}");
    answer(404, "{\"error\":\"machine not found\"}");
    CreateMachineRequest create = new CreateMachineRequest("n", null,
        new MachineConfig("img", null, Map.of(), List.of(), null, null, Map.of(), false));

    assertThrows(FlyApiException.class, () -> fly.create(create));
    fly.create(create);
    fly.waitFor("m1", "stopped", Duration.ofSeconds(5));
    fly.destroy("m1");

    assertEquals(1, count("create", "429"));
    assertEquals(1, count("create", "200"));
    assertEquals(1, count("wait", "408"));
    assertEquals(1, count("destroy", "404"));
  }

  @Test
  void noAnswerIsCountedAsUnreachable() {
    server.close();
    assertThrows(FlyApiException.class, () -> fly.get("m1"));
    assertEquals(1, count("get", "unreachable"));
  }

  @Test
  void labelsNeverNameAMachineOrTheApp() {
    answer(200, "{\"id\":\"1857156b526dd8\",\"state\":\"started\"}");
    fly.get("1857156b526dd8");
    for (Meter meter : registry.getMeters()) {
      assertEquals(Map.of("operation", "get", "status", "200"), Map.of(
          "operation", meter.getId().getTag("operation"), "status", meter.getId().getTag("status")));
      assertEquals(2, meter.getId().getTags().size());
    }
  }
}

package dev.lambdo.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.devkit.temporal.TemporalServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /ready} against real dependencies (ElasticMQ, the Fly emulator, Temporal's Java test
 * server): it turns false when one cannot be reached or refuses the app's credentials, says which,
 * and {@code /health} stays true all the while.
 */
class ReadinessIntegrationTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir Path dir;

  private static HttpResponse<String> get(String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void readinessTurnsFalseWhenTheEmulatorIsStopped() throws Exception {
    try (TemporalServer temporal = TemporalServer.startInProcess();
        DevStack stack = DevStack.start(temporal, 0, 0, dir, Map.of())) {
      HttpResponse<String> ready = get(stack.workerUrl() + "/ready");
      assertEquals(200, ready.statusCode(), ready.body());
      assertEquals("ready\ntemporal: ok, namespace default\nsqs: ok, answers, credentials accepted\nfly: ok, app "
          + DevStack.FLY_APP + "\n", ready.body());
      assertEquals(1, Scrape.of(stack.workerUrl()).value("lambdo_dependency_up", "dependency=\"fly\""));

      stack.fly().close();

      Awaitility.await("the worker's readiness to notice").atMost(Duration.ofSeconds(20))
          .until(() -> get(stack.workerUrl() + "/ready").statusCode() == 503);
      String body = get(stack.workerUrl() + "/ready").body();
      assertTrue(body.startsWith("not ready\n") && body.contains("\nfly: FAILED, unreachable: "), body);
      assertTrue(body.contains("temporal: ok") && body.contains("sqs: ok"), body);
      assertEquals(0, Scrape.of(stack.workerUrl()).value("lambdo_dependency_up", "dependency=\"fly\""));
      assertEquals(200, get(stack.workerUrl() + "/health").statusCode(), "a dependency down restarts nothing");
      HttpResponse<String> pollerReady = get(stack.pollerUrl() + "/ready");
      assertEquals(200, pollerReady.statusCode(), "creates paced, the poller needs no Fly");
      assertFalse(pollerReady.body().contains("fly"), pollerReady.body());
    }
  }

  @Test
  void aFlyTokenTheApiRefusesMakesTheWorkerUnreadyWithoutSayingTheToken() throws Exception {
    String wrong = "not-the-emulators-token";
    try (TemporalServer temporal = TemporalServer.startInProcess();
        DevStack stack = DevStack.start(temporal, 0, 0, dir, Map.of("LAMBDO_FLY_TOKEN", wrong))) {
      HttpResponse<String> ready = get(stack.workerUrl() + "/ready");
      assertEquals(503, ready.statusCode());
      assertTrue(ready.body().contains("fly: FAILED, token refused (401)"), ready.body());
      assertFalse(ready.body().contains(wrong) || Scrape.of(stack.workerUrl()).toString().contains(wrong));
      assertEquals(200, get(stack.workerUrl() + "/health").statusCode());
    }
  }

  /**
   * A poller given Fly's token with creates unpaced makes first machines: Fly is then its
   * dependency too, and a deploy with a token Fly refuses must stop at its first machine.
   */
  @Test
  void aPollerThatMakesFirstMachinesIsUnreadyWhenFlyRefusesItsToken() throws Exception {
    String wrong = "not-the-emulators-token";
    try (TemporalServer temporal = TemporalServer.startInProcess();
        DevStack stack = DevStack.start(temporal, 0, 0, dir,
            Map.of("LAMBDO_FLY_CREATES_PER_SECOND", "0", "LAMBDO_FLY_TOKEN", wrong))) {
      HttpResponse<String> ready = get(stack.pollerUrl() + "/ready");
      assertEquals(503, ready.statusCode(), ready.body());
      assertTrue(ready.body().contains("\nfly: FAILED, token refused (401)"), ready.body());
      assertTrue(ready.body().contains("temporal: ok") && ready.body().contains("sqs: ok"), ready.body());
      assertFalse(ready.body().contains(wrong));
      assertEquals(200, get(stack.pollerUrl() + "/health").statusCode());
    }
  }

  @Test
  void aPollerThatMakesFirstMachinesIsReadyWhileFlyAnswers() throws Exception {
    try (TemporalServer temporal = TemporalServer.startInProcess();
        DevStack stack = DevStack.start(temporal, 0, 0, dir, Map.of("LAMBDO_FLY_CREATES_PER_SECOND", "0"))) {
      HttpResponse<String> ready = get(stack.pollerUrl() + "/ready");
      assertEquals(200, ready.statusCode(), ready.body());
      assertTrue(ready.body().endsWith("\nfly: ok, app " + DevStack.FLY_APP + "\n"), ready.body());
    }
  }

  @Test
  void aQueueThatIsNotThereMakesThePollerUnready() throws Exception {
    // The SDK sends to its endpoint, the embedded SQS, which has no queue of this name.
    String missing = "http://localhost:9324/000000000000/missing";
    try (TemporalServer temporal = TemporalServer.startInProcess();
        DevStack stack = DevStack.start(temporal, 0, 0, dir, Map.of("LAMBDO_SQS_QUEUE_URL", missing))) {
      HttpResponse<String> ready = get(stack.pollerUrl() + "/ready");
      assertEquals(503, ready.statusCode());
      assertTrue(ready.body().contains("sqs: FAILED, queue " + missing + " does not exist"), ready.body());
      assertEquals(200, get(stack.pollerUrl() + "/health").statusCode());
    }
  }
}

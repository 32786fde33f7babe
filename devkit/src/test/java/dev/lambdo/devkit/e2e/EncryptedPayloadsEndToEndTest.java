package dev.lambdo.devkit.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.cli.Lambdo;
import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.devkit.sqs.Producer;
import dev.lambdo.devkit.temporal.TemporalServer;
import io.temporal.api.history.v1.History;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionMetadata;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: with a payload key, a batch's history holds no event body in plain text, and a person
 * who signs in to {@code lambdo codec-server} reads it in the Web UI all the same. Worker, poller
 * and codec server run from their mains as separate JVMs against the real dev server.
 */
class EncryptedPayloadsEndToEndTest {
  private static final String TOKEN = "e2e-token";
  private static final String CODEC_TOKEN = "codec-" + Long.toHexString(new SecureRandom().nextLong());
  private static final String CARD = "4111 1111 1111 1111";

  private static Path dir;
  private static TemporalServer temporal;
  private static EmbeddedSqs sqs;
  private static EmbeddedSqs.Queues queues;
  private static FlyEmulator fly;
  private static WorkflowClient client;
  private static String webUi;
  private static String codecUrl;
  private static final List<AppProcess> apps = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    dir = Path.of(System.getProperty("lambdo.e2e.dir", "target/e2e")).resolve("encrypted").toAbsolutePath();
    Files.createDirectories(dir);
    temporal = TemporalServer.startCli(Files.createTempDirectory(dir, "temporal"));
    client = temporal.client();
    sqs = new EmbeddedSqs(0);
    queues = sqs.createQueues("encrypted", 10);
    fly = new FlyEmulator(0, TOKEN, dir.resolve("machines"));
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String payloadKey = "k1:" + Base64.getEncoder().encodeToString(key);
    Map<String, String> env = AppEnv.of(temporal, sqs, queues, fly, "encrypted");
    env.put("LAMBDO_PAYLOAD_KEY", payloadKey);
    apps.add(new AppProcess("worker", Path.of(System.getProperty("lambdo.worker.jar")), env, dir));
    apps.add(new AppProcess("poller", Path.of(System.getProperty("lambdo.poller.jar")), env, dir));
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    // As the README has it: the UI and the codec server under one host name, localhost.
    webUi = temporal.webUi().orElseThrow().replace("//127.0.0.1:", "//localhost:");
    codecUrl = "http://localhost:" + port;
    apps.add(AppProcess.ofMain("codec-server", Lambdo.class,
        List.of("codec-server", "--port", Integer.toString(port), "--allow-origin", webUi),
        Map.of("LAMBDO_PAYLOAD_KEY", payloadKey, "LAMBDO_CODEC_SERVER_TOKEN", CODEC_TOKEN), dir));
  }

  @AfterAll
  static void stop() throws Exception {
    Teardown.close(apps, fly, sqs, temporal);
  }

  @Test
  void theHistoryHoldsNoBodyAndTheWebUiShowsItThroughTheCodecServer() throws Exception {
    new Producer(sqs.client(), queues.main()).send("{\"card\":\"" + CARD + "\"}",
        "image", "img:encrypted", "command", "[\"sh\",\"-c\",\"echo charged; cat $EVENTS_PATH\"]");
    Awaitility.await("the batch to complete").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> client.countWorkflows("LambdoImage = 'img:encrypted' AND ExecutionStatus = 'Completed'")
            .getCount() == 1);
    WorkflowExecutionMetadata run = client.listExecutions("LambdoImage = 'img:encrypted'").toList().getFirst();
    String id = run.getExecution().getWorkflowId();

    // What Temporal stores, read without the key: the card number is nowhere, the machine's log
    // tail (which printed the events) included.
    History history = client.fetchHistory(id).getHistory();
    String stored = history.toByteString().toStringUtf8();
    assertFalse(stored.contains("4111"), "a body in plain text in " + id);
    assertTrue(stored.contains("binary/encrypted"), "payloads are encrypted");

    String workflow = webUi + "/namespaces/default/workflows/" + id;
    try (Browser browser = new Browser(Files.createTempDirectory(dir, "chromium"))) {
      // The codec server settings of this browser, set as the README says: the top bar's codec
      // server button, "Use my browser setting", the endpoint, cross-origin credentials on.
      browser.open(workflow);
      assertTrue(browser.shows(id), "the batch's page");
      browser.click("[data-testid='data-encoder-status']");
      browser.click("#use-local-endpoint-radio");
      browser.type("#data-encoder-endpoint-input", codecUrl);
      browser.click("#pass-access-credentials");
      browser.clickButton("Apply");
      browser.open(workflow);
      // Before signing in, the codec server refuses (401): the UI says so and shows ciphertext.
      assertTrue(browser.shows("Codec Server could not connect"), "refused on " + browser.currentUrl());
      assertFalse(browser.pageText().contains(CARD));

      browser.open(codecUrl + "/login");
      browser.submitField("token", CODEC_TOKEN);
      assertTrue(browser.shows("This browser is signed in"), "signed in");

      browser.open(workflow);
      assertTrue(browser.shows(CARD), "the event's body, decoded");
      browser.resize(1600, 900);
      browser.scrollTo(CARD);
      browser.screenshot(dir.resolve("web-ui-decoded.png"));
    }
  }
}

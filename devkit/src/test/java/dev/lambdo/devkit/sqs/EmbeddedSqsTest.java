package dev.lambdo.devkit.sqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The embedded SQS's port answers the SQS protocol to the CLI and SDKs, and refuses what a web
 * page can send it: a page the developer visits must not enqueue a command for the emulator to run.
 */
class EmbeddedSqsTest {
  private static final String FORM = "application/x-www-form-urlencoded";
  private static final String SEND = "Action=SendMessage&MessageBody=%7B%7D"
      + "&MessageAttribute.1.Name=image&MessageAttribute.1.Value.DataType=String"
      + "&MessageAttribute.1.Value.StringValue=alpine%3A3";

  /** ElasticMQ keeps one store per JVM: every test here that keeps queues keeps them in this one. */
  @TempDir static Path kept;

  private final HttpClient http = HttpClient.newHttpClient();
  private EmbeddedSqs sqs;

  @AfterEach
  void stop() {
    if (sqs != null) {
      sqs.close();
    }
  }

  private HttpResponse<String> post(String url, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", FORM)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aCrossOriginFormPostIsRefusedAndEnqueuesNothing() throws Exception {
    sqs = new EmbeddedSqs(0);
    String queue = sqs.createQueues("q", 30).main();

    HttpResponse<String> reply = post(queue, SEND, Map.of("Origin", "http://evil.example"));

    assertEquals(403, reply.statusCode(), reply.body());
    assertEquals(0, sqs.approximateCount(queue));
  }

  @Test
  void aBrowserRequestWithoutOriginIsRefusedByItsFetchMetadata() throws Exception {
    sqs = new EmbeddedSqs(0);
    String queue = sqs.createQueues("q", 30).main();

    HttpResponse<String> reply = post(queue, SEND, Map.of("Sec-Fetch-Site", "cross-site"));
    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(queue + "?" + SEND)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertEquals(403, reply.statusCode(), reply.body());
    assertEquals(403, get.statusCode(), "only POST, as the SDKs and CLI send: " + get.body());
    assertEquals(0, sqs.approximateCount(queue));
  }

  @Test
  void aPageOnAnotherNameForLoopbackIsRefused() throws Exception {
    sqs = new EmbeddedSqs(0);
    String queue = sqs.createQueues("q", 30).main();
    URI url = URI.create(queue);

    // DNS rebinding: evil.example resolved to 127.0.0.1 makes the page same-origin, but its Host stays.
    String status;
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      socket.getOutputStream().write(("POST " + url.getPath() + " HTTP/1.1\r\nHost: evil.example:" + url.getPort()
          + "\r\nContent-Type: " + FORM + "\r\nContent-Length: " + SEND.length() + "\r\nConnection: close\r\n\r\n"
          + SEND).getBytes(StandardCharsets.US_ASCII));
      status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    assertEquals("HTTP/1.1 403 Forbidden", status);
    assertEquals(0, sqs.approximateCount(queue));
  }

  @Test
  void curlsFormPostAndTheSdkStillWork() throws Exception {
    sqs = new EmbeddedSqs(0);
    String queue = sqs.createQueues("q", 30).main();

    HttpResponse<String> reply = post(queue, SEND, Map.of());
    try (SqsClient sdk = SqsClient.builder().endpointOverride(URI.create(sqs.endpoint())).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))).build()) {
      sdk.sendMessage(r -> r.queueUrl(queue).messageBody("{\"n\":2}"));
      List<Message> got = sdk.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();

      assertEquals(200, reply.statusCode(), reply.body());
      assertEquals(2, got.size(), got.toString());
    }
    assertTrue(queue.startsWith(sqs.endpoint()), "queue URLs name the guarded port: " + queue);
  }

  @Test
  void queuesAndMessagesSurviveARestart() throws IOException {
    Path dir = kept;
    sqs = new EmbeddedSqs(0, dir);
    String queue = sqs.createQueues("q", 30).main();
    sqs.client().sendMessage(r -> r.queueUrl(queue).messageBody("kept"));
    sqs.close();

    sqs = new EmbeddedSqs(0, dir);
    String again = sqs.createQueues("q", 30).main();
    // ElasticMQ restores the messages in the background once it has started.
    List<Message> got = List.of();
    for (int i = 0; i < 10 && got.isEmpty(); i++) {
      got = sqs.client().receiveMessage(r -> r.queueUrl(again).waitTimeSeconds(1)).messages();
    }

    assertEquals(List.of("kept"), got.stream().map(Message::body).toList());
  }

  @Test
  void aSecondStoreInOneJvmIsRefusedRatherThanSilentlySharingTheFirst(@TempDir Path other) throws IOException {
    sqs = new EmbeddedSqs(0, kept);

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new EmbeddedSqs(0, other).close());

    assertTrue(e.getMessage().contains("keeps one store per JVM"), e.getMessage());
  }
}

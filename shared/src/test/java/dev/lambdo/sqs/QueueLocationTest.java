package dev.lambdo.sqs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.ConfigException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where a sender's requests go, from nothing but the queue URL where that is enough. */
class QueueLocationTest {
  @Test
  void anAwsQueueUrlNamesItsRegionAndNeedsNoEndpoint() {
    QueueLocation at = QueueLocation.of("https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", Map.of("AWS_REGION", "us-east-1"));

    assertEquals(Optional.empty(), at.endpoint());
    assertEquals(Optional.of("eu-west-1"), at.region(), "the queue's own region, wherever AWS_REGION points");
    assertFalse(at.unsigned());
  }

  @Test
  void aLocalQueueUrlIsItsOwnEndpointAndIsNotSigned() {
    QueueLocation at = QueueLocation.of("http://localhost:9324/000000000000/lambdo", Map.of());

    assertEquals(Optional.of(URI.create("http://localhost:9324")), at.endpoint());
    assertEquals(Optional.of("us-east-1"), at.region(), "any region will do for a local queue");
    assertTrue(at.unsigned(), "local emulators do not check signatures, so no credentials are needed");
  }

  @Test
  void anEndpointSettingWins() {
    QueueLocation at = QueueLocation.of("http://elasticmq:9324/000000000000/lambdo",
        Map.of("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324", "AWS_REGION", "eu-central-1"));

    assertEquals(Optional.of(URI.create("http://127.0.0.1:9324")), at.endpoint());
    assertEquals(Optional.of("eu-central-1"), at.region());
    assertTrue(at.unsigned());
  }

  @Test
  void somethingElseIsNotAQueueUrl() {
    ConfigException e = assertThrows(ConfigException.class, () -> QueueLocation.of("lambdo", Map.of()));

    assertTrue(e.getMessage().contains("'lambdo' is not a queue URL"), e.getMessage());
  }
}

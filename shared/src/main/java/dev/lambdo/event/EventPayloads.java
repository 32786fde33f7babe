package dev.lambdo.event;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What an event costs in a Temporal payload. A batch's events travel in its workflow's input,
 * each body as a JSON string: quotes, backslashes and line breaks take two bytes there, so a body
 * the events file holds may not fit the payload. Temporal refuses a payload over its blob limit
 * ({@code limit.blobSize.error}, 2 MiB unless the server's operator changed it) with
 * {@code INVALID_ARGUMENT: Blob data size exceeds limit}.
 */
public final class EventPayloads {
  public static final int TEMPORAL_BLOB_LIMIT = 2 * 1024 * 1024;
  /** The rest of a batch's input: its spec and settings, the attempts so far, payload metadata. */
  static final int HEADROOM = 64 * 1024;
  /** What the events of one batch may take, bodies escaped. */
  public static final int EVENTS_BUDGET = TEMPORAL_BLOB_LIMIT - HEADROOM;
  /**
   * Beside each body: its message id, receipt handle (SQS's are at most 1,024 bytes, and a newer
   * one replaces it when the batch continues as new) and the field names.
   */
  static final int PER_EVENT = 2 * 1024;

  private EventPayloads() {}

  /** The bytes one event takes in a batch's input, at most. */
  public static int cost(String body) {
    return JsonStringEncoder.getInstance().quoteAsUTF8(body).length + 2 + PER_EVENT;
  }

  /** The body's own bytes, for messages that say why a body is refused. */
  static int bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8).length;
  }
}

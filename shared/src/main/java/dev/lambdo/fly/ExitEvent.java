package dev.lambdo.fly;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a machine's process ended. A signal of -1 means none. {@code exitedAt} is kept as sent: the
 * API has used both RFC 3339 strings and unix milliseconds.
 */
public record ExitEvent(
    int exitCode,
    int signal,
    int guestSignal,
    boolean oomKilled,
    boolean requestedStop,
    JsonNode exitedAt) {}

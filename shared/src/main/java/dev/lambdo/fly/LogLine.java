package dev.lambdo.fly;

/** One line of a machine's output from Fly's logs API; {@code timestamp} is RFC 3339. */
public record LogLine(String timestamp, String message, String level, String instance) {}

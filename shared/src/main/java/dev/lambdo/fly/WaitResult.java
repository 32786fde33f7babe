package dev.lambdo.fly;

/** Answer of {@code GET …/wait} when the state was reached. */
public record WaitResult(boolean ok, String state, String version, String eventId) {}

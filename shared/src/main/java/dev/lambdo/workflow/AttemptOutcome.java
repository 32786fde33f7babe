package dev.lambdo.workflow;

/** One attempt of a batch: the machine it ran on and how it ended. */
public record AttemptOutcome(
    int attempt, String machineId, String region, ExitStatus exit, long durationMs) {}

package dev.lambdo.worker;

/**
 * Heartbeat details of awaitExit. A retried awaitExit (after a worker crash) resumes with the same
 * deadline instead of granting the machine a fresh timeout.
 */
record AwaitProgress(long deadlineEpochMs, String lastState, int polls) {}

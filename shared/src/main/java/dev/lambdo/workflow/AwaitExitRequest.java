package dev.lambdo.workflow;

/** What awaitExit needs: the machine and how long it may run. */
public record AwaitExitRequest(MachineRef machine, int timeoutSeconds) {}

package dev.lambdo.workflow;

/** The machine an attempt runs on. */
public record MachineRef(String id, String name, String region, String instanceId) {}

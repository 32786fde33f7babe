package dev.lambdo.fly;

/** Body of {@code POST /v1/apps/{app}/machines}; a null region lets Fly place the machine. */
public record CreateMachineRequest(String name, String region, MachineConfig config) {}

package dev.lambdo.fly;

/**
 * Body of {@code POST /v1/apps/{app}/machines}; a null region lets Fly place the machine.
 *
 * @param skipLaunch true leaves the machine {@code created}, its image ready, until it is started
 *     or updated (a warm pool's idle machine); null sends nothing and Fly boots it
 */
public record CreateMachineRequest(String name, String region, MachineConfig config, Boolean skipLaunch) {
  public CreateMachineRequest(String name, String region, MachineConfig config) {
    this(name, region, config, null);
  }
}

package dev.lambdo.fly;

import dev.lambdo.event.Guest;
import java.util.List;
import java.util.Map;

/** The parts of Fly's {@code config} object Lambdo sets (docs/fly-machines-api.md §2). */
public record MachineConfig(
    String image,
    Init init,
    Map<String, String> env,
    List<File> files,
    Guest guest,
    Restart restart,
    Map<String, String> metadata,
    Boolean autoDestroy) {

  /** {@code config.init}: {@code cmd} overrides the image's CMD, {@code exec} the whole start. */
  public record Init(List<String> cmd, List<String> exec) {}

  /** A file written into the machine before it starts; {@code rawValue} is base64. */
  public record File(String guestPath, String rawValue, Integer mode) {}

  /** {@code policy} is "no", "always" or "on-failure". */
  public record Restart(String policy) {}
}

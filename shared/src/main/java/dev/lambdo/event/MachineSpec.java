package dev.lambdo.event;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything that shapes the machine a batch runs on. Two events with equal specs may share a
 * machine.
 *
 * @param size the preset name the guest came from, or "custom" when overridden
 * @param command the Docker CMD equivalent; null runs the image's CMD
 * @param region a Fly region expression ("iad,dfw"); null lets Fly place the machine
 * @param timeoutSeconds how long the machine may run before it is stopped
 * @param retries further attempts after a failed one
 */
public record MachineSpec(
    String image,
    String size,
    Guest guest,
    List<String> command,
    String region,
    Map<String, String> env,
    int timeoutSeconds,
    int retries) {
  public static final int DEFAULT_TIMEOUT_SECONDS = 3600;
  public static final int MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
  public static final int DEFAULT_RETRIES = 2;
  public static final int MAX_RETRIES = 10;

  private static final Pattern REGION_TOKEN = Pattern.compile("[a-z]{2,4}");
  private static final int MAX_REGIONS = 16;

  public MachineSpec {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(guest, "guest");
    command = command == null ? null : List.copyOf(command);
    env = env == null ? Map.of() : Map.copyOf(env);
    if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
      throw new IllegalArgumentException(
          "timeoutSeconds must be between 1 and " + MAX_TIMEOUT_SECONDS + ", was " + timeoutSeconds);
    }
    if (retries < 0 || retries > MAX_RETRIES) {
      throw new IllegalArgumentException(
          "retries must be between 0 and " + MAX_RETRIES + ", was " + retries);
    }
  }

  /** The regions of the expression, in the order to try them; empty lets Fly choose. */
  public List<String> regions() {
    return region == null ? List.of() : List.of(region.split(","));
  }

  /** Why a region expression is not valid, if it is not. */
  public static Optional<String> regionProblem(String expression) {
    String[] tokens = expression.split(",", -1);
    if (tokens.length > MAX_REGIONS) {
      return Optional.of("lists at most " + MAX_REGIONS + " regions, had " + tokens.length);
    }
    for (String token : tokens) {
      if (!REGION_TOKEN.matcher(token).matches()) {
        return Optional.of(
            "must be region codes or aliases separated by commas (e.g. 'iad,dfw'), had '"
                + token + "' in '" + expression + "'");
      }
    }
    return Optional.empty();
  }
}

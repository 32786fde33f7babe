package dev.lambdo.devkit.emulator;

/**
 * Fly's documented Machines API rate limits (docs/fly-machines-api.md §5): each action (create, start, stop,
 * wait, …) gets its own token bucket, counted per app for create and list and per machine for
 * everything else, refilled at {@code actionPerSecond} and holding up to {@code actionBurst}
 * requests; Get Machine has a bucket of its own with {@code getPerSecond} / {@code getBurst}.
 *
 * @param enabled whether over-limit requests get 429; off for emulators built from Java, so unit
 *     tests can create machines as fast as they like
 * @param retryAfterHeader whether a 429 carries {@code Retry-After: 1}. UNCONFIRMED at Fly (no
 *     source shows the header or the body), so it can be switched off to test clients that must
 *     do without it
 */
public record RateLimits(
    boolean enabled,
    double actionPerSecond,
    int actionBurst,
    double getPerSecond,
    int getBurst,
    boolean retryAfterHeader) {
  public static final double DEFAULT_ACTION_PER_SECOND = 1;
  public static final int DEFAULT_ACTION_BURST = 3;
  public static final double DEFAULT_GET_PER_SECOND = 5;
  public static final int DEFAULT_GET_BURST = 10;

  /** Fly's documented numbers, switched off. */
  public static final RateLimits OFF = new RateLimits(false, DEFAULT_ACTION_PER_SECOND, DEFAULT_ACTION_BURST,
      DEFAULT_GET_PER_SECOND, DEFAULT_GET_BURST, true);
  /** Fly's documented numbers, enforced. */
  public static final RateLimits FLY = OFF.enabled(true);

  public RateLimits {
    requirePositive("actionPerSecond", actionPerSecond);
    requirePositive("getPerSecond", getPerSecond);
    if (actionBurst < 1) {
      throw new IllegalArgumentException("actionBurst must be >= 1, was " + actionBurst);
    }
    if (getBurst < 1) {
      throw new IllegalArgumentException("getBurst must be >= 1, was " + getBurst);
    }
  }

  public RateLimits enabled(boolean value) {
    return new RateLimits(value, actionPerSecond, actionBurst, getPerSecond, getBurst, retryAfterHeader);
  }

  public RateLimits retryAfterHeader(boolean value) {
    return new RateLimits(enabled, actionPerSecond, actionBurst, getPerSecond, getBurst, value);
  }

  private static void requirePositive(String name, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(name + " must be a positive number, was " + value);
    }
  }
}

package dev.lambdo.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads settings from an environment map and collects every problem instead of stopping at the
 * first, so an operator fixes their deployment in one round. Values of secret settings never
 * appear in a problem.
 */
public final class EnvReader {
  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public EnvReader(Map<String, String> env) {
    this.env = env;
  }

  public Optional<String> optional(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** The first of {@code names} that is set; a problem naming all of them when none is. */
  public String required(String... names) {
    for (String name : names) {
      Optional<String> value = optional(name);
      if (value.isPresent()) {
        return value.get();
      }
    }
    problems.add(String.join(" (or ", names) + ")".repeat(names.length - 1) + " is required");
    return null;
  }

  public Secret secret(String name) {
    Optional<String> value = optional(name);
    if (value.isEmpty()) {
      problems.add(name + " is required");
      return null;
    }
    return new Secret(value.get());
  }

  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      int value = Integer.parseInt(raw.get());
      if (value < min || value > max) {
        problems.add(name + " must be between " + min + " and " + max + ", was " + value);
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(name + " must be a whole number, was '" + raw.get() + "'");
      return defaultValue;
    }
  }

  public double decimal(String name, double defaultValue, double min, double max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    try {
      double value = Double.parseDouble(raw.get());
      if (!(value >= min && value <= max)) {
        problems.add(name + " must be between " + min + " and " + max + ", was " + raw.get());
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add(name + " must be a number, was '" + raw.get() + "'");
      return defaultValue;
    }
  }

  public URI url(String name, String defaultValue) {
    String raw = optional(name).orElse(defaultValue);
    if (raw == null) {
      return null;
    }
    try {
      URI uri = URI.create(raw);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        problems.add(name + " must be an http(s) URL, was '" + raw + "'");
        return null;
      }
      return uri;
    } catch (IllegalArgumentException e) {
      problems.add(name + " must be an http(s) URL, was '" + raw + "'");
      return null;
    }
  }

  /** {@code true} or {@code false}, in any case. */
  public boolean flag(String name, boolean defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    if (raw.get().equalsIgnoreCase("true") || raw.get().equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(raw.get());
    }
    problems.add(name + " must be true or false, was '" + raw.get() + "'");
    return defaultValue;
  }

  public <E extends Enum<E>> E choice(String name, Class<E> type, E defaultValue) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return defaultValue;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(raw.get())) {
        return constant;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      allowed.add(constant.name().toLowerCase());
    }
    problems.add(name + " must be one of " + allowed + ", was '" + raw.get() + "'");
    return defaultValue;
  }

  /** Adds a problem found elsewhere; one already listed is not listed twice. */
  public void problem(String message) {
    if (!problems.contains(message)) {
      problems.add(message);
    }
  }

  /** Throws one {@link ConfigException} listing every problem found so far. */
  public void check() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }
}

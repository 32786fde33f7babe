package dev.lambdo.config;

/** A credential that must never be printed: {@link #toString()} hides it, {@link #reveal()} is explicit. */
public record Secret(String value) {
  public Secret {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("secret must not be blank");
    }
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "Secret[***]";
  }
}

package dev.lambdo.health;

/**
 * Asks one dependency whether this app can use it: reachable, and its credentials accepted. Each
 * check bounds its own calls with a short timeout; {@link Readiness} gives up on it after {@link
 * Readiness#TIMEOUT} in any case.
 */
@FunctionalInterface
public interface DependencyCheck {
  CheckResult check();
}

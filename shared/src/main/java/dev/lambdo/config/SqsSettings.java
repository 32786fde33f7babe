package dev.lambdo.config;

/** SQS settings both the poller and the worker read, so they agree. */
final class SqsSettings {
  /** Long enough to create a machine; the worker renews it while the machine runs. */
  static final int DEFAULT_VISIBILITY_SECONDS = 300;

  private SqsSettings() {}

  /** SQS accepts 0 to 12 hours; under 10 seconds the renewals could not keep up. */
  static int visibilitySeconds(EnvReader env) {
    return env.integer("LAMBDO_SQS_VISIBILITY_SECONDS", DEFAULT_VISIBILITY_SECONDS, 10, 43_200);
  }
}

package dev.lambdo.fly;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code lambdo_fly_responses_total{operation, status}}: every answer from Fly by call and HTTP
 * status, {@code unreachable} when none came. 429s are Fly pacing the app; 5xx and unreachable
 * are Fly's trouble; 401 a token it refuses. Labels never name a machine or the app.
 */
final class FlyResponses {
  static final String UNREACHABLE = "unreachable";

  private final MeterRegistry registry;

  FlyResponses(MeterRegistry registry) {
    this.registry = registry;
  }

  void answered(FlyOperation operation, int status) {
    counter(operation, Integer.toString(status)).increment();
  }

  void unreachable(FlyOperation operation) {
    counter(operation, UNREACHABLE).increment();
  }

  private Counter counter(FlyOperation operation, String status) {
    return Counter.builder("lambdo.fly.responses")
        .description("Answers from the Fly Machines and logs APIs, by call and HTTP status")
        .tag("operation", operation.label())
        .tag("status", status)
        .register(registry);
  }
}

package dev.lambdo.devkit.emulator;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Switchable misbehaviour of the emulated Fly API, the assumptions docs/fly-machines-api.md marks
 * UNCONFIRMED, and the parts of Fly's real behaviour that slow tests down (rate limits, boot
 * time). Every switch is off by default; all can be flipped while the emulator runs, from Java or
 * over HTTP ({@code /_emulator/faults}).
 */
public final class Faults {
  /** What a second create with a name already in use gets: unknown at Fly. */
  public enum DuplicateNames { ALLOW, REJECT }

  final AtomicReference<Duration> latency = new AtomicReference<>(Duration.ZERO);
  final AtomicReference<Duration> logLag = new AtomicReference<>(Duration.ZERO);
  final AtomicReference<Duration> answerDelay = new AtomicReference<>(Duration.ZERO);
  final Set<String> fullRegions = ConcurrentHashMap.newKeySet();
  final AtomicInteger failNext = new AtomicInteger();
  final AtomicInteger failStatus = new AtomicInteger(503);
  final AtomicReference<Duration> retryAfter = new AtomicReference<>();
  final AtomicReference<DuplicateNames> duplicateNames = new AtomicReference<>(DuplicateNames.REJECT);
  final AtomicBoolean neverStart = new AtomicBoolean();
  /** HTTP status of a capacity error: UNCONFIRMED, fly-go's test fixture uses 503. */
  final AtomicInteger capacityStatus = new AtomicInteger(503);
  final AtomicReference<RateLimits> rateLimits = new AtomicReference<>(RateLimits.OFF);
  final AtomicReference<Duration> bootDelay = new AtomicReference<>(Duration.ZERO);
  final AtomicReference<Duration> startDelay = new AtomicReference<>(Duration.ZERO);
  final AtomicInteger loseNext = new AtomicInteger();
  /** The HTTP method whose answers are lost; null for any. */
  final AtomicReference<String> loseMethod = new AtomicReference<>();

  /** Every request waits this long before it is answered. */
  public Faults latency(Duration value) {
    latency.set(value);
    return this;
  }

  /**
   * Every machine API answer is held this long after the request took effect: a client that
   * dies meanwhile never learns what it did.
   */
  public Faults answerDelay(Duration value) {
    answerDelay.set(value);
    return this;
  }

  /** Log lines become visible this long after they were written, as Fly's shipping lags. */
  public Faults logLag(Duration value) {
    logLag.set(value);
    return this;
  }

  /** Creates in these regions fail with {@code insufficient_capacity}. */
  public Faults noCapacityIn(String... regions) {
    fullRegions.clear();
    fullRegions.addAll(Set.of(regions));
    return this;
  }

  /** The next {@code count} machine API requests fail with {@code status} (429 or 5xx, say). */
  public Faults failNext(int count, int status, Duration retryAfterHeader) {
    failStatus.set(status);
    retryAfter.set(retryAfterHeader);
    failNext.set(count);
    return this;
  }

  /**
   * The next {@code count} machine API requests with {@code method} (any when null) are carried
   * out, and then their answers are lost: the connection closes with no response, as when Fly
   * acted but the reply never reached the client. Only the client's own idempotency can tell.
   */
  public Faults loseNextAnswers(int count, String method) {
    loseMethod.set(method);
    loseNext.set(count);
    return this;
  }

  /** Whether the answer to this request is to be lost; counts it when so. */
  boolean losesAnswerTo(String method) {
    String only = loseMethod.get();
    return (only == null || only.equals(method)) && loseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  /** The HTTP status of a capacity error, which docs/fly-machines-api.md leaves UNCONFIRMED (409, 412 and 503 are seen). */
  public Faults capacityStatus(int status) {
    capacityStatus.set(status);
    return this;
  }

  /** Machines are created but never start: they stay "created" until stopped or destroyed. */
  public Faults neverStart(boolean value) {
    neverStart.set(value);
    return this;
  }

  public Faults duplicateNames(DuplicateNames policy) {
    duplicateNames.set(policy);
    return this;
  }

  /** Fly's per-action request limits (docs/fly-machines-api.md §5); {@link RateLimits#OFF} by default. */
  public Faults rateLimits(RateLimits value) {
    rateLimits.set(Objects.requireNonNull(value, "rateLimits"));
    return this;
  }

  /**
   * How long a created machine stays {@code created} before its process starts: Fly's create
   * includes pulling the image and booting the VM.
   */
  public Faults bootDelay(Duration value) {
    if (value.isNegative()) {
      throw new IllegalArgumentException("bootDelay must be >= 0, was " + value);
    }
    bootDelay.set(value);
    return this;
  }

  /**
   * How long a stopped machine takes from start (or an update of the same image) to its process:
   * no image to pull, so "subsecond" at Fly, well below {@link #bootDelay}.
   */
  public Faults startDelay(Duration value) {
    if (value.isNegative()) {
      throw new IllegalArgumentException("startDelay must be >= 0, was " + value);
    }
    startDelay.set(value);
    return this;
  }

  public Faults reset() {
    latency.set(Duration.ZERO);
    answerDelay.set(Duration.ZERO);
    logLag.set(Duration.ZERO);
    fullRegions.clear();
    failNext.set(0);
    retryAfter.set(null);
    neverStart.set(false);
    capacityStatus.set(503);
    duplicateNames.set(DuplicateNames.REJECT);
    rateLimits.set(RateLimits.OFF);
    bootDelay.set(Duration.ZERO);
    startDelay.set(Duration.ZERO);
    loseNext.set(0);
    loseMethod.set(null);
    return this;
  }
}

package dev.lambdo.event;

import dev.lambdo.config.EnvReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The operator's fences around what a message may ask for, all optional: without them anyone who
 * can send to the queue runs any image on any size. A message beyond one is rejected with a reason
 * like a message that cannot be parsed. A message that leaves a setting out is held to the fence
 * instead: the default size, timeout or retries are lowered to the largest allowed, and no region
 * becomes the allowed regions.
 *
 * @param allowedImages patterns an image must match, {@code *} standing for any characters; empty
 *     allows every image
 * @param maxSize the largest Fly size preset; a guest may not have more CPUs, memory or GPUs, nor
 *     performance CPUs when it is a shared-CPU size
 * @param allowedRegions the regions a message may name; empty allows every region
 */
public record Guardrails(
    List<String> allowedImages,
    Optional<String> maxSize,
    OptionalInt maxTimeoutSeconds,
    OptionalInt maxRetries,
    List<String> allowedRegions) {
  public static final Guardrails NONE =
      new Guardrails(List.of(), Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), List.of());

  private static final Pattern IMAGE_PATTERN = Pattern.compile("[\\w*][\\w.\\-/:@+*]{0,511}");

  public Guardrails {
    allowedImages = List.copyOf(allowedImages);
    allowedRegions = List.copyOf(allowedRegions);
    maxSize.ifPresent(name -> Sizes.preset(name).orElseThrow(
        () -> new IllegalArgumentException("maxSize must be a Fly size, was " + name)));
  }

  /**
   * {@code LAMBDO_ALLOWED_IMAGES}, {@code LAMBDO_MAX_SIZE}, {@code LAMBDO_MAX_TIMEOUT}, {@code
   * LAMBDO_MAX_RETRIES} and {@code LAMBDO_ALLOWED_REGIONS}; bad values become problems of {@code env}.
   */
  public static Guardrails read(EnvReader env) {
    List<String> images = new ArrayList<>();
    env.optional("LAMBDO_ALLOWED_IMAGES").ifPresent(raw -> {
      for (String pattern : raw.split(",")) {
        if (IMAGE_PATTERN.matcher(pattern.strip()).matches()) {
          images.add(pattern.strip());
        } else {
          env.problem("LAMBDO_ALLOWED_IMAGES must be image patterns separated by commas ('*' matches any"
              + " characters), had '" + pattern.strip() + "'");
        }
      }
    });
    Optional<String> maxSize = env.optional("LAMBDO_MAX_SIZE");
    if (maxSize.isPresent() && Sizes.preset(maxSize.get()).isEmpty()) {
      env.problem("LAMBDO_MAX_SIZE must be a Fly size, one of " + Sizes.names() + ", was '" + maxSize.get() + "'");
      maxSize = Optional.empty();
    }
    OptionalInt maxTimeout = env.optional("LAMBDO_MAX_TIMEOUT").isEmpty() ? OptionalInt.empty()
        : OptionalInt.of(env.integer("LAMBDO_MAX_TIMEOUT", 0, 1, MachineSpec.MAX_TIMEOUT_SECONDS));
    OptionalInt maxRetries = env.optional("LAMBDO_MAX_RETRIES").isEmpty() ? OptionalInt.empty()
        : OptionalInt.of(env.integer("LAMBDO_MAX_RETRIES", 0, 0, MachineSpec.MAX_RETRIES));
    List<String> regions = new ArrayList<>();
    env.optional("LAMBDO_ALLOWED_REGIONS").map(raw -> raw.replace(" ", "")).ifPresent(raw -> {
      Optional<String> problem = MachineSpec.regionProblem(raw);
      if (problem.isPresent()) {
        env.problem("LAMBDO_ALLOWED_REGIONS " + problem.get());
      } else {
        regions.addAll(List.of(raw.split(",")));
      }
    });
    return new Guardrails(images, maxSize, maxTimeout, maxRetries, regions);
  }

  /** The message as the fences let it run, or rejected with every fence it passes. */
  public ParsedMessage apply(ParsedMessage parsed) {
    if (!(parsed instanceof ParsedMessage.Accepted accepted) || equals(NONE)) {
      return parsed;
    }
    List<String> problems = new ArrayList<>();
    MachineSpec held = hold(accepted.spec(), accepted.message().attributes()::containsKey, problems);
    if (!problems.isEmpty()) {
      return new ParsedMessage.Rejected(accepted.message(), String.join("; ", problems), ParsedMessage.Cause.GUARDRAIL);
    }
    return held.equals(accepted.spec()) ? parsed : new ParsedMessage.Accepted(accepted.message(), accepted.event(), held);
  }

  /** Why a batch's machine is beyond the fences, if it is, every setting taken as asked for (a replay). */
  public Optional<String> refusal(MachineSpec spec) {
    List<String> problems = new ArrayList<>();
    hold(spec, attribute -> true, problems);
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /**
   * The spec within the fences: what {@code named} says the message asked for and is beyond them
   * becomes a problem, what it left to a default beyond them is lowered.
   */
  private MachineSpec hold(MachineSpec spec, Predicate<String> named, List<String> problems) {
    if (!allowedImages.isEmpty() && allowedImages.stream().noneMatch(p -> matches(p, spec.image()))) {
      problems.add("image '" + spec.image() + "' is not allowed here (LAMBDO_ALLOWED_IMAGES: "
          + String.join(", ", allowedImages) + ")");
    }
    String size = spec.size();
    Guest guest = spec.guest();
    if (maxSize.isPresent()) {
      Guest max = Sizes.preset(maxSize.get()).orElseThrow();
      if (!fits(guest, max)) {
        // A message with none of the guest's attributes asked for no size.
        if (Attributes.GUEST.stream().anyMatch(named)) {
          problems.add("size " + size + " (" + describe(guest) + ") is larger than LAMBDO_MAX_SIZE "
              + maxSize.get() + " (" + describe(max) + ")");
        } else {
          size = maxSize.get();
          guest = max;
        }
      }
    }
    int timeout = spec.timeoutSeconds();
    if (maxTimeoutSeconds.isPresent() && timeout > maxTimeoutSeconds.getAsInt()) {
      if (named.test(Attributes.TIMEOUT)) {
        problems.add("timeout " + timeout + " s is longer than LAMBDO_MAX_TIMEOUT " + maxTimeoutSeconds.getAsInt() + " s");
      }
      timeout = maxTimeoutSeconds.getAsInt();
    }
    int retries = spec.retries();
    if (maxRetries.isPresent() && retries > maxRetries.getAsInt()) {
      if (named.test(Attributes.RETRIES)) {
        problems.add("retries " + retries + " is more than LAMBDO_MAX_RETRIES " + maxRetries.getAsInt());
      }
      retries = maxRetries.getAsInt();
    }
    String region = spec.region();
    if (!allowedRegions.isEmpty()) {
      if (region == null) {
        region = String.join(",", allowedRegions);
      } else {
        List<String> outside = spec.regions().stream().filter(r -> !allowedRegions.contains(r)).toList();
        if (!outside.isEmpty()) {
          problems.add("region '" + region + "' names " + String.join(", ", outside)
              + ", not in LAMBDO_ALLOWED_REGIONS " + String.join(",", allowedRegions));
        }
      }
    }
    return new MachineSpec(spec.image(), size, guest, spec.command(), region, spec.env(), timeout, retries);
  }

  private static boolean fits(Guest guest, Guest max) {
    return guest.cpus() <= max.cpus() && guest.memoryMb() <= max.memoryMb() && guest.gpus() <= max.gpus()
        && (guest.cpuKind().equals("shared") || max.cpuKind().equals("performance"));
  }

  private static String describe(Guest guest) {
    return guest.cpus() + " " + guest.cpuKind() + " CPU(s), " + guest.memoryMb() + " MB"
        + (guest.gpus() > 0 ? ", " + guest.gpus() + " " + guest.gpuKind() + " GPU(s)" : "");
  }

  /** Whether {@code image} matches {@code pattern}, where {@code *} stands for any characters. */
  static boolean matches(String pattern, String image) {
    StringBuilder regex = new StringBuilder();
    for (String literal : pattern.split("\\*", -1)) {
      regex.append(regex.isEmpty() ? "" : ".*").append(Pattern.quote(literal));
    }
    return Pattern.matches(regex.toString(), image);
  }
}

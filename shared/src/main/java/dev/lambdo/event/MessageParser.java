package dev.lambdo.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lambdo.sqs.MessageAttribute;
import dev.lambdo.sqs.ReceivedMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns an SQS message into an event and the spec of the machine it needs, in Lambdo's format:
 * the body is one JSON value; {@code image} (required), {@code size} and {@code command} are
 * String attributes. Lambdo-on-Temporal also reads {@code region}, {@code env}, {@code timeout},
 * {@code retries}, {@code cpus}, {@code memory_mb}, {@code cpu_kind} and {@code gpu_kind}. Every
 * problem becomes a specific reason; nothing here throws on input.
 */
public final class MessageParser {
  /** Variables Lambdo sets on every machine; an event's {@code env} may not replace them. */
  public static final Set<String> RESERVED_ENV =
      Set.of("EVENTS_PATH", "LAMBDO_WORKFLOW_ID", "LAMBDO_ATTEMPT");

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern IMAGE = Pattern.compile("[\\w][\\w.\\-/:@+]{0,511}");
  private static final int MAX_CPUS = 16;
  private static final int MAX_MEMORY_MB = 256 * 1024;

  /**
   * As lenient as the Go original's encoding/json on what is valid JSON: nesting to 10,000 levels
   * (Go's own limit) and numbers of any length, where Jackson's defaults refuse 1,000.
   */
  private final ObjectMapper json = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(10_000).maxNumberLength(Integer.MAX_VALUE).build())
          .build())
      .build();
  private final int maxEventBytes;

  /** @param maxEventBytes the most one event's body may take in a machine's events file */
  public MessageParser(int maxEventBytes) {
    this.maxEventBytes = maxEventBytes;
  }

  /**
   * The parser for events that go into events files of {@code eventsFileBytes}: the file is a
   * JSON array, so its two brackets leave one body two bytes less.
   */
  public static MessageParser forEventsFile(int eventsFileBytes) {
    return new MessageParser(eventsFileBytes - 2);
  }

  public ParsedMessage parse(ReceivedMessage message) {
    List<String> problems = new ArrayList<>();
    checkBody(message.body(), problems);
    int bodyProblems = problems.size();
    Map<String, MessageAttribute> attrs = message.attributes();

    String image = text(attrs, Attributes.IMAGE, problems);
    if (image == null) {
      if (!attrs.containsKey(Attributes.IMAGE)) {
        problems.add("attribute 'image' is required (the image to run, e.g. registry.fly.io/app:tag)"
            + caseHint(attrs, Attributes.IMAGE));
      }
    } else if (!IMAGE.matcher(image).matches()) {
      problems.add("attribute 'image' is not an image reference: '" + clip(image) + "'");
    }
    int imageProblems = problems.size() - bodyProblems;

    String size = text(attrs, Attributes.SIZE, problems);
    Guest guest = null;
    if (size == null) {
      size = Sizes.DEFAULT;
    }
    if (Sizes.preset(size).isEmpty()) {
      problems.add("attribute 'size' '" + clip(size) + "' is not a Fly size; use one of " + Sizes.names());
    } else {
      guest = Sizes.preset(size).get();
    }

    List<String> command = command(attrs, problems);
    String region = text(attrs, Attributes.REGION, problems);
    if (region != null) {
      region = region.replace(" ", "");
      MachineSpec.regionProblem(region).ifPresent(p -> problems.add("attribute 'region' " + p));
    }
    Map<String, String> env = env(attrs, problems);
    Integer timeout =
        number(attrs, Attributes.TIMEOUT, 1, MachineSpec.MAX_TIMEOUT_SECONDS, "seconds", problems);
    Integer retries = number(attrs, Attributes.RETRIES, 0, MachineSpec.MAX_RETRIES, "retries", problems);

    if (guest != null) {
      Guest custom = customGuest(attrs, guest, problems);
      if (custom != null && !custom.equals(guest)) {
        guest = custom;
        size = "custom";
      }
    }

    if (!problems.isEmpty()) {
      ParsedMessage.Cause cause = bodyProblems > 0 ? ParsedMessage.Cause.BODY
          : imageProblems > 0 ? ParsedMessage.Cause.IMAGE : ParsedMessage.Cause.ATTRIBUTE;
      return new ParsedMessage.Rejected(message, String.join("; ", problems), cause);
    }
    MachineSpec spec =
        new MachineSpec(
            image,
            size,
            guest,
            command,
            region,
            env,
            timeout == null ? MachineSpec.DEFAULT_TIMEOUT_SECONDS : timeout,
            retries == null ? MachineSpec.DEFAULT_RETRIES : retries);
    QueuedEvent event =
        new QueuedEvent(
            message.messageId(), message.receiptHandle(), message.body(), message.receiveCount(),
            message.sentAtMs());
    return new ParsedMessage.Accepted(message, event, spec);
  }

  private void checkBody(String body, List<String> problems) {
    if (body.isBlank()) {
      problems.add("body is empty; it must be one JSON value (the event)");
      return;
    }
    int bytes = body.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > maxEventBytes) {
      problems.add(
          "body is " + bytes + " bytes; one machine's events file holds at most " + maxEventBytes);
      return;
    }
    int cost = EventPayloads.cost(body);
    if (cost > EventPayloads.EVENTS_BUDGET) {
      problems.add("body is " + bytes + " bytes but " + cost + " in a Temporal payload, where its quotes,"
          + " backslashes and line breaks are escaped; Temporal takes at most " + EventPayloads.EVENTS_BUDGET
          + " for a batch's events");
      return;
    }
    // Token by token: a deep body needs no tree, and no recursion, to be checked.
    try (JsonParser parser = json.createParser(body)) {
      parser.nextToken();
      parser.skipChildren();
      if (parser.nextToken() != null) {
        problems.add("body is not one JSON value: there is more text after the first value");
      }
    } catch (JsonProcessingException e) {
      problems.add("body is not JSON: " + describe(e));
    } catch (IOException e) {
      problems.add("body could not be read: " + e.getClass().getSimpleName());
    }
  }

  /** Jackson's reason and where, in the user's terms: no source excerpt, no Jackson settings. */
  static String describe(JsonProcessingException e) {
    String reason = e.getOriginalMessage();
    int settings = reason.indexOf(" (`StreamReadConstraints");
    if (settings >= 0) {
      reason = reason.substring(0, settings);
    }
    reason = reason.replace('\n', ' ');
    JsonLocation at = e.getLocation();
    return at == null || at.getLineNr() < 0 ? reason
        : reason + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
  }

  /** A String attribute's value, or null when absent; a wrong data type is a problem. */
  private static String text(Map<String, MessageAttribute> attrs, String name, List<String> problems) {
    MessageAttribute attr = attrs.get(name);
    if (attr == null) {
      return null;
    }
    if (!"String".equals(attr.baseType())) {
      problems.add("attribute '" + name + "' must have DataType String, was " + attr.dataType());
      return null;
    }
    String value = attr.stringValue() == null ? "" : attr.stringValue().strip();
    if (value.isEmpty()) {
      problems.add("attribute '" + name + "' is empty");
      return null;
    }
    return value;
  }

  private List<String> command(Map<String, MessageAttribute> attrs, List<String> problems) {
    String raw = text(attrs, Attributes.COMMAND, problems);
    if (raw == null) {
      return null;
    }
    String expected = "attribute 'command' must be a JSON array of strings, e.g. [\"node\",\"index.js\"]";
    JsonNode node;
    try {
      node = json.readTree(raw);
    } catch (JsonProcessingException e) {
      problems.add(expected + "; it is not JSON: " + describe(e));
      return null;
    }
    if (!node.isArray()) {
      problems.add(expected + "; was a JSON " + node.getNodeType().name().toLowerCase());
      return null;
    }
    if (node.isEmpty()) {
      problems.add("attribute 'command' is an empty array; leave it out to run the image's CMD");
      return null;
    }
    List<String> command = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isTextual()) {
        problems.add(expected + "; element " + i + " is a " + node.get(i).getNodeType().name().toLowerCase());
        return null;
      }
      command.add(node.get(i).textValue());
    }
    return command;
  }

  private Map<String, String> env(Map<String, MessageAttribute> attrs, List<String> problems) {
    String raw = text(attrs, Attributes.ENV, problems);
    if (raw == null) {
      return Map.of();
    }
    String expected = "attribute 'env' must be a JSON object of strings, e.g. {\"MODE\":\"fast\"}";
    JsonNode node;
    try {
      node = json.readTree(raw);
    } catch (JsonProcessingException e) {
      problems.add(expected + "; it is not JSON: " + describe(e));
      return Map.of();
    }
    if (!node.isObject()) {
      problems.add(expected + "; was a JSON " + node.getNodeType().name().toLowerCase());
      return Map.of();
    }
    Map<String, String> env = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      String name = entry.getKey();
      if (!ENV_NAME.matcher(name).matches()) {
        problems.add("attribute 'env' has an invalid variable name '" + clip(name) + "'");
      } else if (RESERVED_ENV.contains(name)) {
        problems.add("attribute 'env' may not set " + name + ": Lambdo sets it");
      } else if (!entry.getValue().isTextual()) {
        problems.add("attribute 'env' value of " + name + " must be a string, was a "
            + entry.getValue().getNodeType().name().toLowerCase());
      } else {
        env.put(name, entry.getValue().textValue());
      }
    }
    return env;
  }

  /** A whole number from a String or Number attribute, within bounds; null when absent. */
  private static Integer number(
      Map<String, MessageAttribute> attrs,
      String name,
      int min,
      int max,
      String unit,
      List<String> problems) {
    MessageAttribute attr = attrs.get(name);
    if (attr == null) {
      return null;
    }
    if (!"String".equals(attr.baseType()) && !"Number".equals(attr.baseType())) {
      problems.add("attribute '" + name + "' must have DataType Number or String, was " + attr.dataType());
      return null;
    }
    String raw = attr.stringValue() == null ? "" : attr.stringValue().strip();
    try {
      int value = Integer.parseInt(raw);
      if (value < min || value > max) {
        problems.add("attribute '" + name + "' must be between " + min + " and " + max + " " + unit
            + ", was " + value);
        return null;
      }
      return value;
    } catch (NumberFormatException e) {
      problems.add("attribute '" + name + "' must be a whole number, was '" + clip(raw) + "'");
      return null;
    }
  }

  /** The size preset with cpus, memory_mb, cpu_kind and gpu_kind applied, checked as Fly does. */
  private Guest customGuest(Map<String, MessageAttribute> attrs, Guest base, List<String> problems) {
    int before = problems.size();
    Integer cpus = number(attrs, Attributes.CPUS, 1, MAX_CPUS, "CPUs", problems);
    Integer memory = number(attrs, Attributes.MEMORY_MB, 256, MAX_MEMORY_MB, "MB", problems);
    String cpuKind = text(attrs, Attributes.CPU_KIND, problems);
    String gpuKind = text(attrs, Attributes.GPU_KIND, problems);
    if (cpuKind != null && !cpuKind.equals("shared") && !cpuKind.equals("performance")) {
      problems.add("attribute 'cpu_kind' must be shared or performance, was '" + clip(cpuKind) + "'");
    }
    if (gpuKind != null && !Sizes.GPU_KINDS.contains(gpuKind)) {
      problems.add("attribute 'gpu_kind' must be one of " + Sizes.GPU_KINDS + ", was '" + clip(gpuKind) + "'");
    }
    if (problems.size() > before) {
      return null;
    }
    String kind = cpuKind != null ? cpuKind : gpuKind != null ? "performance" : base.cpuKind();
    int cpuCount = cpus != null ? cpus : base.cpus();
    int perCpuMin = kind.equals("shared") ? 256 : 2048;
    int perCpuMax = kind.equals("shared") ? 2048 : 8192;
    boolean reshaped = cpus != null || !kind.equals(base.cpuKind());
    int mem = memory != null ? memory : reshaped ? perCpuMin * cpuCount : base.memoryMb();
    if (mem % 256 != 0) {
      problems.add("attribute 'memory_mb' must be a multiple of 256, was " + mem);
    } else if (mem < perCpuMin * cpuCount || mem > perCpuMax * cpuCount) {
      problems.add("memory_mb " + mem + " is out of range for " + cpuCount + " " + kind + " CPU(s): "
          + perCpuMin * cpuCount + " to " + perCpuMax * cpuCount + " MB");
    }
    if (problems.size() > before) {
      return null;
    }
    String gpu = gpuKind != null ? gpuKind : base.gpuKind();
    return new Guest(kind, cpuCount, mem, gpu, gpu == null ? 0 : Math.max(1, base.gpus()));
  }

  /** Attribute names are case-sensitive: say so when one was sent under another case. */
  private static String caseHint(Map<String, MessageAttribute> attrs, String name) {
    return attrs.keySet().stream().filter(k -> k.equalsIgnoreCase(name)).findFirst()
        .map(k -> "; found '" + k + "': attribute names are case-sensitive").orElse("");
  }

  private static String clip(String value) {
    return value.length() <= 80 ? value : value.substring(0, 77) + "...";
  }
}

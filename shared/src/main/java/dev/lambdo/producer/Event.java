package dev.lambdo.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdo.config.PollerConfig;
import dev.lambdo.event.Attributes;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.MessageParser;
import dev.lambdo.event.ParsedMessage;
import dev.lambdo.sqs.MessageAttribute;
import dev.lambdo.sqs.ReceivedMessage;
import dev.lambdo.sqs.SqsQueue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One event, ready to send: its body and the String attributes the poller reads, built from plain
 * values (a command is its words, env is names and values: no JSON to escape by hand). {@link
 * Builder#build()} runs the poller's own {@link MessageParser} over the result, so an event that
 * exists is one the poller accepts, and {@link #spec()} is the machine it will ask for.
 */
public final class Event {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String body;
  private final Map<String, String> attributes;
  private final MachineSpec spec;

  private Event(String body, Map<String, String> attributes, MachineSpec spec) {
    this.body = body;
    this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    this.spec = spec;
  }

  /** @param body the event: one JSON value, sent as it is */
  public static Builder builder(String body) {
    return new Builder(body);
  }

  public String body() {
    return body;
  }

  /** Name to value, in the order they were given; each is sent with DataType String. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** The machine the poller will run this event on (before any operator guardrail). */
  public MachineSpec spec() {
    return spec;
  }

  /** Collects the settings; {@link #build()} checks them all at once. */
  public static final class Builder {
    private final String body;
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private int eventsFileBytes = PollerConfig.DEFAULT_EVENTS_FILE_BYTES;

    private Builder(String body) {
      this.body = body == null ? "" : body;
    }

    /** Required: the image to run, e.g. {@code registry.fly.io/my-app:v3}. */
    public Builder image(String image) {
      return attribute(Attributes.IMAGE, image);
    }

    /** A Fly size preset; without one the poller's default. */
    public Builder size(String size) {
      return attribute(Attributes.SIZE, size);
    }

    /** The command and its arguments, each word as the program receives it. */
    public Builder command(String... words) {
      return command(List.of(words));
    }

    public Builder command(List<String> words) {
      return attribute(Attributes.COMMAND, json(words));
    }

    /** A Fly region expression tried in order, e.g. {@code iad,dfw}. */
    public Builder region(String region) {
      return attribute(Attributes.REGION, region);
    }

    /** Adds one variable to the machine's env; the value is sent as it is. */
    public Builder env(String name, String value) {
      env.put(name, value);
      return this;
    }

    public Builder timeoutSeconds(int seconds) {
      return attribute(Attributes.TIMEOUT, Integer.toString(seconds));
    }

    public Builder retries(int retries) {
      return attribute(Attributes.RETRIES, Integer.toString(retries));
    }

    public Builder cpus(int cpus) {
      return attribute(Attributes.CPUS, Integer.toString(cpus));
    }

    public Builder memoryMb(int memoryMb) {
      return attribute(Attributes.MEMORY_MB, Integer.toString(memoryMb));
    }

    /** {@code shared} or {@code performance}. */
    public Builder cpuKind(String kind) {
      return attribute(Attributes.CPU_KIND, kind);
    }

    public Builder gpuKind(String kind) {
      return attribute(Attributes.GPU_KIND, kind);
    }

    /**
     * Any attribute by name, sent as a String: one of {@link Attributes} in its wire form (a
     * {@code command} as a JSON array, say), or one of your own, which Lambdo carries along.
     */
    public Builder attribute(String name, String value) {
      String before = attributes.putIfAbsent(name, value);
      if (before != null && !before.equals(value)) {
        problems.add("attribute '" + name + "' is given twice: '" + before + "' and '" + value + "'");
      }
      return this;
    }

    /**
     * The poller's {@code LAMBDO_EVENTS_FILE_BYTES}, when it is not the default: a body must fit
     * into one machine's events file.
     */
    public Builder eventsFileBytes(int bytes) {
      this.eventsFileBytes = bytes;
      return this;
    }

    /** @throws InvalidEventException with every reason the poller would give, and more than SQS takes */
    public Event build() {
      if (!env.isEmpty()) {
        attribute(Attributes.ENV, json(env));
      }
      if (!problems.isEmpty()) {
        throw new InvalidEventException(String.join("; ", problems));
      }
      Map<String, MessageAttribute> wire = new LinkedHashMap<>();
      attributes.forEach((name, value) -> wire.put(name, MessageAttribute.string(value)));
      ParsedMessage parsed = MessageParser.forEventsFile(eventsFileBytes)
          .parse(new ReceivedMessage("unsent", "unsent", body, wire, 1));
      List<String> refused = new ArrayList<>();
      if (parsed instanceof ParsedMessage.Rejected rejected) {
        refused.add(rejected.reason());
      }
      if (attributes.size() > SqsQueue.MAX_BATCH) {
        refused.add(attributes.size() + " attributes; SQS takes at most " + SqsQueue.MAX_BATCH + " per message");
      }
      if (!refused.isEmpty()) {
        throw new InvalidEventException(String.join("; ", refused));
      }
      return new Event(body, attributes, ((ParsedMessage.Accepted) parsed).spec());
    }

    private static String json(Object value) {
      try {
        return JSON.writeValueAsString(value);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a list or map of strings is always JSON", e);
      }
    }
  }
}

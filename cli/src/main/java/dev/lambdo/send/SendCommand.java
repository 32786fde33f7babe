package dev.lambdo.send;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdo.cli.Console;
import dev.lambdo.cli.RestOfLine;
import dev.lambdo.cli.Shell;
import dev.lambdo.cli.UserError;
import dev.lambdo.config.EnvReader;
import dev.lambdo.config.PollerConfig;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.Sizes;
import dev.lambdo.producer.Event;
import dev.lambdo.producer.EventProducer;
import dev.lambdo.producer.InvalidEventException;
import dev.lambdo.producer.SentEvent;
import dev.lambdo.sqs.QueueLocation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lambdo send}: one event, its settings given as options in plain words, checked by the
 * poller's own parser before it is sent (see {@link Event}).
 */
@Command(
    name = "send",
    sortOptions = false,
    customSynopsis = {"lambdo send [OPTIONS] --image IMAGE (EVENT | --file FILE | -)",
        "                   [--command WORD...]"},
    description = {"Send one event to a Lambdo queue: the body, and the machine to run it on.",
        "Nothing is sent unless the poller would run it. Prints the message id and how to find its batch."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lambdo send --image alpine:3 '{\"hello\":\"world\"}' \\",
        "      --command sh -c 'echo got; cat $EVENTS_PATH'",
        "  lambdo send --image registry.fly.io/app:v3 --size shared-cpu-2x \\",
        "      --env MODE=fast --file event.json",
        "  some-program | lambdo send --image registry.fly.io/app:v3 -"})
public final class SendCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Console console;

  @Parameters(index = "0", arity = "0..1", paramLabel = "EVENT",
      description = "The event: one JSON value, sent as it is. '-' reads it from stdin.")
  String body;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the event from FILE (UTF-8).")
  Path file;

  @Option(names = "--queue-url", paramLabel = "URL",
      description = "The queue; default $LAMBDO_SQS_QUEUE_URL. A local URL (localhost) is its own endpoint"
          + " and needs no AWS credentials.")
  String queueUrl;

  @Option(names = "--image", paramLabel = "IMAGE", description = "Required: the image to run, such as alpine:3.")
  String image;

  @Option(names = "--size", paramLabel = "SIZE",
      description = "A Fly size preset (shared-cpu-1x … performance-16x, a10, l40s, …); default " + Sizes.DEFAULT + ".")
  String size;

  @Option(names = "--command", paramLabel = "WORD", arity = "1..*", parameterConsumer = RestOfLine.class,
      description = {"The program and its arguments, as plain words; absent runs the image's CMD.",
          "Put it last: every word after it is the command's, options included."})
  List<String> command;

  @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE",
      description = "Adds a variable to the machine's env; repeatable.")
  Map<String, String> env = new LinkedHashMap<>();

  @Option(names = "--region", paramLabel = "REGIONS", description = "Fly regions tried in order, e.g. iad,dfw.")
  String region;

  @Option(names = "--timeout", paramLabel = "SECONDS",
      description = "How long the machine may run; default " + MachineSpec.DEFAULT_TIMEOUT_SECONDS + ".")
  Integer timeout;

  @Option(names = "--retries", paramLabel = "N",
      description = "Further attempts after a failed one; default " + MachineSpec.DEFAULT_RETRIES + ".")
  Integer retries;

  @Option(names = "--cpus", paramLabel = "N", description = "Override the size's CPUs.")
  Integer cpus;

  @Option(names = "--memory-mb", paramLabel = "MB", description = "Override the size's memory.")
  Integer memoryMb;

  @Option(names = "--cpu-kind", paramLabel = "KIND", description = "shared or performance.")
  String cpuKind;

  @Option(names = "--gpu-kind", paramLabel = "KIND", description = "A Fly GPU kind, e.g. a100-pcie-40gb.")
  String gpuKind;

  @Option(names = {"-a", "--attribute"}, paramLabel = "NAME=VALUE",
      description = "Any other message attribute, sent as a String as it is; repeatable.")
  Map<String, String> attributes = new LinkedHashMap<>();

  @Option(names = "--dry-run", description = "Check the event and show the message; send nothing.")
  boolean dryRun;

  @Option(names = {"-q", "--quiet"}, description = "Print only the message id.")
  boolean quiet;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  public SendCommand(Console console) {
    this.console = console;
  }

  @Override
  public Integer call() {
    Event event = event(EventSource.read(body, file, console.in()));
    QueueLocation queue = queue();
    PrintWriter out = console.out();
    if (dryRun) {
      out.println("would send to " + queue.queueUrl() + ":");
      describe(event, out);
      out.println("(dry run: nothing was sent)");
      return 0;
    }
    SentEvent sent;
    try (EventProducer producer = EventProducer.forQueue(queue.queueUrl(), console.env())) {
      sent = producer.send(event);
    }
    if (quiet) {
      out.println(sent.messageId());
      return 0;
    }
    out.println("sent message " + sent.messageId() + " to " + sent.queueUrl());
    out.println("  machine   " + machine(event.spec()));
    // In double quotes: the query's own are single, and a message id holds nothing a shell expands.
    out.println("  its batch temporal workflow list --query \"" + sent.batchQuery() + "\"");
    out.println("            (the same query finds it in the Temporal Web UI once a poller started it)");
    return 0;
  }

  private Event event(String raw) {
    Event.Builder builder = Event.builder(raw);
    set(image, builder::image);
    set(size, builder::size);
    if (command != null) {
      refuseJson(command);
      builder.command(command);
    }
    env.forEach(builder::env);
    set(region, builder::region);
    set(timeout, builder::timeoutSeconds);
    set(retries, builder::retries);
    set(cpus, builder::cpus);
    set(memoryMb, builder::memoryMb);
    set(cpuKind, builder::cpuKind);
    set(gpuKind, builder::gpuKind);
    attributes.forEach(builder::attribute);
    EnvReader settings = new EnvReader(console.env());
    builder.eventsFileBytes(PollerConfig.eventsFileBytes(settings));
    settings.check();
    try {
      return builder.build();
    } catch (InvalidEventException e) {
      throw UserError.usage("the poller would not run this event: " + e.getMessage());
    }
  }

  private static <T> void set(T value, java.util.function.Consumer<T> setter) {
    if (value != null) {
      setter.accept(value);
    }
  }

  /** The Go original's users know the JSON form: a command named by it would fail on the machine. */
  private static void refuseJson(List<String> words) {
    if (words.size() != 1 || !words.getFirst().strip().startsWith("[")) {
      return;
    }
    try {
      List<String> parsed = JSON.readValue(words.getFirst(), new TypeReference<List<String>>() {});
      throw UserError.usage("--command takes the words themselves: --command " + Shell.join(parsed)
          + " (or send the JSON as it is with --attribute command='" + words.getFirst() + "')");
    } catch (JsonProcessingException notAJsonArray) {
      // a program whose name starts with '[' then, such as '[' itself
    }
  }

  private QueueLocation queue() {
    String url = Optional.ofNullable(queueUrl)
        .or(() -> Optional.ofNullable(console.env().get("LAMBDO_SQS_QUEUE_URL")).filter(v -> !v.isBlank()))
        .orElseThrow(() -> UserError.usage("no queue: give --queue-url URL or set LAMBDO_SQS_QUEUE_URL"
            + " (./lambdo dev's queue is http://localhost:9324/000000000000/lambdo)"));
    return QueueLocation.of(url.strip(), console.env());
  }

  private static void describe(Event event, PrintWriter out) {
    out.println("  body      " + event.body());
    event.attributes().forEach((name, value) -> out.println("  " + String.format("%-9s", name) + " " + value));
    out.println("  machine   " + machine(event.spec()));
  }

  private static String machine(MachineSpec spec) {
    return spec.image() + " on " + spec.size()
        + (spec.command() == null ? ", the image's CMD" : ", command " + Shell.join(spec.command()));
  }
}

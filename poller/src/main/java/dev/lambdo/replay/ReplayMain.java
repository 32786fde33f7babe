package dev.lambdo.replay;

import dev.lambdo.config.ConfigException;
import dev.lambdo.config.PollerConfig;
import dev.lambdo.workflow.TemporalClients;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code replay --workflow-id ID [--workflow-id ID …] | --query "VISIBILITY QUERY" [--force]}:
 * re-runs failed batches against the Temporal server named by TEMPORAL_* settings, held to the
 * pollers' guardrails (LAMBDO_ALLOWED_IMAGES, LAMBDO_MAX_SIZE, …) when they are set.
 */
public final class ReplayMain {
  private static final Logger log = LoggerFactory.getLogger(ReplayMain.class);
  static final String USAGE = "usage: replay --workflow-id ID [--workflow-id ID ...] | --query \"QUERY\" [--force]\n"
      + "  --query is ANDed with \"failed batch workflows\", e.g. "
      + "\"LambdoImage = 'registry.fly.io/app:v3' AND CloseTime > '2026-11-22T08:00:00Z'\"";

  private ReplayMain() {}

  public static void main(String[] args) {
    List<String> ids = new ArrayList<>();
    String query = null;
    boolean force = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--workflow-id" -> ids.add(value(args, ++i));
        case "--query" -> query = value(args, ++i);
        case "--force" -> force = true;
        default -> exit(2, "unknown argument '" + args[i] + "'\n" + USAGE);
      }
    }
    if (ids.isEmpty() == (query == null)) {
      exit(2, "give either --workflow-id or --query\n" + USAGE);
    }
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent("LAMBDO_SQS_QUEUE_URL", "unused-by-replay");
    PollerConfig config;
    try {
      config = PollerConfig.fromEnv(env);
    } catch (ConfigException e) {
      exit(2, e.getMessage());
      return;
    }
    Replayer replayer = new Replayer(TemporalClients.connect(config.temporal()), config.guardrails());
    List<Replayer.Outcome> outcomes = new ArrayList<>();
    if (query != null) {
      outcomes.addAll(replayer.replayMatching(query, force));
    }
    for (String id : ids) {
      outcomes.add(replayer.replay(id, force));
    }
    outcomes.forEach(o -> log.info("{} → {}", o.original(), o.replay().map(r -> r + " (" + o.note() + ")").orElse(o.note())));
    long started = outcomes.stream().filter(o -> o.replay().isPresent()).count();
    log.info("{} of {} batch(es) replayed", started, outcomes.size());
    System.exit(outcomes.isEmpty() || started > 0 ? 0 : 1);
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      exit(2, args[i - 1] + " needs a value\n" + USAGE);
    }
    return args[i];
  }

  private static void exit(int code, String message) {
    log.error("{}", message);
    System.exit(code);
  }
}

package dev.lambdo.replay;

import dev.lambdo.cli.Console;
import dev.lambdo.cli.Exit;
import dev.lambdo.cli.Failures;
import dev.lambdo.cli.UserError;
import dev.lambdo.config.ReplayConfig;
import dev.lambdo.workflow.TemporalClients;
import io.grpc.Status;
import io.temporal.client.WorkflowClient;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lambdo replay}: re-runs failed batches through {@link Replayer}, one numbered line per
 * batch as it goes, a dry run that starts nothing, and a limit so a large query can be worked off
 * in slices (a rerun skips what was replayed).
 */
@Command(
    name = "replay",
    sortOptions = false,
    description = {
        "Re-run failed batches: each becomes a new workflow <original>-replay-<n> with the same events and machine.",
        "A batch already replayed, still running, or that succeeded is skipped (--force replays it anyway).",
        "A batch beyond the guardrails (LAMBDO_ALLOWED_*, LAMBDO_MAX_*) is not replayed. SQS is not touched."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  lambdo replay --workflow-id lambdo-3b4e1f1da26766c1833b8e6f",
        "  lambdo replay --dry-run \\",
        "      --query \"LambdoImage = 'registry.fly.io/app:v3' AND CloseTime > '2026-11-22T08:00:00Z'\"",
        "  lambdo replay --limit 100 --query \"LambdoExitCode = 3\"    # again for the next 100"})
public final class ReplayCommand implements Callable<Integer> {
  private final Console console;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  /** Which batches: named, or found by a query; not both. */
  static final class Target {
    @Option(names = "--workflow-id", paramLabel = "ID", required = true,
        description = "A batch workflow to replay; repeatable. A replay's id stands for its original.")
    List<String> ids;

    @Option(names = "--query", paramLabel = "QUERY", required = true,
        description = "A Temporal visibility query, ANDed with \"failed batch workflows\".")
    String query;
  }

  @Option(names = "--force", description = "Replay batches that succeeded or were replayed before, again.")
  boolean force;

  @Option(names = "--dry-run", description = "Say what would be replayed and what skipped; start nothing.")
  boolean dryRun;

  @Option(names = "--limit", paramLabel = "N",
      description = "Replay at most N batches, then stop; run again for the next ones.")
  Integer limit;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  /** The Temporal server's address, for errors that could not reach it. */
  private String server;

  public ReplayCommand(Console console) {
    this.console = console;
  }

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw UserError.usage("--limit must be 1 or more, was " + limit);
    }
    ReplayConfig config = ReplayConfig.fromEnv(console.env());
    server = config.temporal().address();
    WorkflowClient client = TemporalClients.connect(config.temporal());
    try {
      return replay(new Replayer(client, config.guardrails()));
    } catch (RuntimeException e) {
      throw Failures.explain(e, server).orElseThrow(() -> e);
    } finally {
      client.getWorkflowServiceStubs().shutdown();
    }
  }

  private int replay(Replayer replayer) {
    long total;
    Stream<String> originals;
    if (target.query != null) {
      total = countMatching(replayer, target.query);
      console.out().println(total + " failed batch workflow(s) match" + (total == 0 ? ": nothing to replay" : ""));
      originals = replayer.originalsMatching(target.query);
    } else {
      originals = target.ids.stream().map(String::strip).distinct();
      total = originals.count();
      originals = target.ids.stream().map(String::strip).distinct();
    }
    ReplayReport report = new ReplayReport(console.out(), total, dryRun);
    Iterator<String> batches = originals.iterator();
    try {
      while (batches.hasNext()) {
        if (limit != null && report.replayed() >= limit) {
          report.limitReached(limit);
          break;
        }
        String original = batches.next();
        Decision decision = replayer.decide(original, force);
        if (decision instanceof Decision.Replay replay && !dryRun) {
          report.started(replay, replayer.start(replay));
        } else {
          report.decided(decision);
        }
      }
    } catch (RuntimeException e) {
      if (report.done() == 0) {
        throw e;
      }
      UserError error = Failures.explain(e, server).orElseThrow(() -> e);
      report.summary();
      throw error.withContext("stopped after " + report.done() + " batch(es); the lines above say what was done");
    }
    report.summary();
    return report.refused() > 0 ? Exit.NOT_ALL_REPLAYED : Exit.OK;
  }

  /**
   * The count, and the query's check: the user's query is checked alone first, so the server's
   * complaint (and its position) is about what the user typed, not the composed query.
   */
  private static long countMatching(Replayer replayer, String query) {
    try {
      replayer.checkQuery(query);
      return replayer.countMatching(query);
    } catch (RuntimeException e) {
      var status = Failures.grpcStatus(e);
      if (status.isPresent() && status.get().getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        throw UserError.usage("--query is not a query Temporal takes: "
            + QueryError.describe(query, String.valueOf(status.get().getStatus().getDescription())));
      }
      throw e;
    }
  }
}

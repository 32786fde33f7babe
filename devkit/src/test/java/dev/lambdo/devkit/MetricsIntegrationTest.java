package dev.lambdo.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdo.devkit.temporal.TemporalServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The apps' {@code /metrics} scraped while the whole loop runs (ElasticMQ, the Fly emulator,
 * Temporal's Java test server, the real worker and poller code): the counters move as batches run,
 * fail and are rejected, and every query of the Grafana dashboard names a metric that is there.
 */
class MetricsIntegrationTest {
  static final Path DASHBOARD = Path.of(System.getProperty("lambdo.dashboard", "../docs/grafana/lambdo.json"));
  /** Metric names in PromQL as this project's dashboard writes them: every family it exports has one of these. */
  private static final Pattern METRIC = Pattern.compile("\\b((?:lambdo|temporal|jvm|process|system)_[a-z0-9_]+)\\b");

  @TempDir static Path dir;
  private static TemporalServer temporal;
  private static DevStack stack;

  @BeforeAll
  static void start() throws Exception {
    temporal = TemporalServer.startInProcess();
    stack = DevStack.start(temporal, 0, 0, dir, Map.of("LAMBDO_EVENTS_PER_MACHINE", "5"));
  }

  @AfterAll
  static void stop() {
    stack.close();
    temporal.close();
  }

  /** What moved, and how, as a test of the figures would print it. */
  private static final Map<String, String[]> MOVED = new LinkedHashMap<>();

  static {
    MOVED.put("lambdo_messages_received_total", new String[0]);
    MOVED.put("lambdo_messages_rejected_total", new String[] {"reason=\"image\""});
    MOVED.put("lambdo_messages_dead_lettered_total", new String[0]);
    MOVED.put("lambdo_batches_started_total", new String[0]);
    MOVED.put("lambdo_batches_succeeded_total", new String[0]);
    MOVED.put("lambdo_batches_failed_total", new String[] {"reason=\"exit_code\""});
    MOVED.put("lambdo_machine_create_seconds_count", new String[0]);
    MOVED.put("lambdo_send_to_machine_start_seconds_count", new String[0]);
    MOVED.put("lambdo_fly_responses_total", new String[] {"operation=\"create\"", "status=\"200\""});
    MOVED.put("temporal_workflow_completed_total", new String[] {"workflow_type=\"BatchWorkflow\""});
    MOVED.put("temporal_workflow_failed_total", new String[] {"workflow_type=\"BatchWorkflow\""});
  }

  private static double value(Scrape scrape, String name) {
    return scrape.value(name, MOVED.get(name));
  }

  /** Scrapes before and after the traffic, taken once for every test that reads them. */
  private record Traffic(Scrape before, Scrape after) {}

  private static Traffic traffic;

  /**
   * An event that succeeds, one whose machine exits 3 and one without an image, sent
   * once for whichever test runs first; the scrape after waits for the SDK's reporter.
   */
  private static synchronized Traffic traffic() {
    if (traffic != null) {
      return traffic;
    }
    Scrape before = Scrape.of(stack.workerUrl());
    int createdBefore = stack.fly().machinesCreated();
    int dlqBefore = stack.sqs().approximateCount(stack.queues().dlq());

    stack.producer().send("{\"n\":1}", "image", "img:metrics-ok", "command", "[\"true\"]");
    stack.producer().send("{\"n\":3}", "image", "img:metrics-fail", "command", "[\"sh\",\"-c\",\"exit 3\"]",
        "retries", "0");
    stack.producer().send("{\"no\":\"image\"}");
    Awaitility.await("the batches to settle and the bad message to reach the DLQ").atMost(Duration.ofSeconds(90))
        .until(() -> stack.fly().machinesCreated() >= createdBefore + 2 && stack.fly().machinesAlive() == 0
            && stack.sqs().approximateCount(stack.queues().main()) == 0
            && stack.sqs().approximateCount(stack.queues().dlq()) == dlqBefore + 1);
    // The SDK's and workflow code's meters arrive with its reporter, every few seconds.
    Awaitility.await("the SDK's reporter to hand over the batches' end").atMost(Duration.ofSeconds(20))
        .until(() -> {
          Scrape now = Scrape.of(stack.workerUrl());
          return value(now, "lambdo_batches_failed_total") - value(before, "lambdo_batches_failed_total") >= 1
              && value(now, "lambdo_batches_succeeded_total") - value(before, "lambdo_batches_succeeded_total") >= 1
              && value(now, "temporal_workflow_failed_total") - value(before, "temporal_workflow_failed_total") >= 1;
        });
    traffic = new Traffic(before, Scrape.of(stack.workerUrl()));
    return traffic;
  }

  @Test
  void theCountersMoveAsBatchesRunFailAndAreRejected() {
    Scrape before = traffic().before();
    Scrape after = traffic().after();

    List<String> figures = new ArrayList<>();
    MOVED.keySet().forEach(name -> figures.add(String.format("  %-75s %6.0f -> %6.0f", name + braces(MOVED.get(name)),
        value(before, name), value(after, name))));
    System.out.println("metrics figures (before -> after):\n" + String.join("\n", figures));

    Map<String, Double> expected = new LinkedHashMap<>();
    expected.put("lambdo_messages_received_total", 3.0);
    expected.put("lambdo_messages_rejected_total", 1.0);
    expected.put("lambdo_messages_dead_lettered_total", 1.0);
    expected.put("lambdo_batches_started_total", 2.0);
    expected.put("lambdo_batches_succeeded_total", 1.0);
    expected.put("lambdo_batches_failed_total", 1.0);
    expected.put("lambdo_machine_create_seconds_count", 2.0);
    expected.put("lambdo_send_to_machine_start_seconds_count", 2.0);
    expected.put("lambdo_fly_responses_total", 2.0);
    expected.forEach((name, delta) -> assertEquals(delta, value(after, name) - value(before, name), name));
    assertTrue(value(after, "temporal_workflow_completed_total") > value(before, "temporal_workflow_completed_total"));
    double sendToStart = after.value("lambdo_send_to_machine_start_seconds_sum")
        / after.value("lambdo_send_to_machine_start_seconds_count");
    assertTrue(sendToStart > 0 && sendToStart < 30, "mean send to start " + sendToStart + " s");
    assertEquals(0, after.value("lambdo_machines_alive"));
    assertEquals(Scrape.of(stack.pollerUrl()).value("lambdo_messages_received_total"),
        Scrape.of(stack.workerUrl()).value("lambdo_messages_received_total"), "one JVM, one registry: both ports serve it");
  }

  private static String braces(String[] labels) {
    return labels.length == 0 ? "" : "{" + String.join(",", labels) + "}";
  }

  /**
   * The dashboard stays true to the code: every query names metrics a scrape has, and every
   * family of Lambdo's own is on it. Checked after the traffic above has made every series exist.
   */
  @Test
  void everyQueryOfTheDashboardNamesAMetricTheAppsExport() throws Exception {
    traffic();
    Set<String> exported = new TreeSet<>(Scrape.of(stack.workerUrl()).names());
    exported.addAll(Scrape.of(stack.pollerUrl()).names());

    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    List<String> queries = new ArrayList<>();
    dashboard.findValues("expr").forEach(expr -> queries.add(expr.asText()));
    assertFalse(queries.isEmpty(), "the dashboard has queries");
    Set<String> used = new TreeSet<>();
    for (String query : queries) {
      Matcher metric = METRIC.matcher(query);
      boolean any = false;
      while (metric.find()) {
        any = true;
        used.add(metric.group(1));
        assertTrue(exported.contains(metric.group(1)), metric.group(1) + " in `" + query + "` is not exported; "
            + "exported: " + exported);
      }
      assertTrue(any, "`" + query + "` names no metric");
    }
    Set<String> ownFamilies = new TreeSet<>();
    exported.stream().filter(n -> n.startsWith("lambdo_"))
        .map(n -> n.replaceAll("_(bucket|count|sum|max)$", "")).forEach(ownFamilies::add);
    Set<String> usedFamilies = new TreeSet<>();
    used.forEach(n -> usedFamilies.add(n.replaceAll("_(bucket|count|sum|max)$", "")));
    ownFamilies.removeAll(usedFamilies);
    assertEquals(Set.of(), ownFamilies, "Lambdo's metrics the dashboard does not show");
  }
}

package dev.lambdo.worker;

import dev.lambdo.event.Batch;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.fly.MachineConfig;
import dev.lambdo.workflow.MachineMetadata;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config a batch's machine runs with, made or taken from a pool alike: the image and guest of
 * its spec, the events at {@link #EVENTS_PATH} (as the Go original), the spec's env and command.
 */
public final class BatchMachineConfig {
  public static final String EVENTS_PATH = "/tmp/events.json";

  private BatchMachineConfig() {}

  /**
   * The name of a batch's machine for one attempt, unless it is pooled: Fly gives a name to one
   * machine of the app, so a create sent twice for an attempt makes one machine.
   */
  public static String name(String workflowId, int attempt) {
    return workflowId + "-a" + attempt;
  }

  /** What an attempt's machine is found again by: workflow and attempt alone, as machines made before the namespace was added. */
  public static Map<String, String> lookup(String workflowId, int attempt) {
    return Map.of(MachineMetadata.WORKFLOW_ID, workflowId, MachineMetadata.ATTEMPT, Integer.toString(attempt));
  }

  /** The metadata an attempt's machine is made with: its {@link #lookup}, its namespace, its pool if any. */
  public static Map<String, String> labels(String workflowId, int attempt, String namespace, String pool) {
    Map<String, String> labels = new LinkedHashMap<>(lookup(workflowId, attempt));
    labels.put(MachineMetadata.NAMESPACE, namespace);
    if (pool != null) {
      labels.put(MachineMetadata.POOL, pool);
    }
    return labels;
  }

  /** The regions a create tries in turn: the spec's, else the worker's default. */
  public static List<String> regions(MachineSpec spec, String defaultRegion) {
    List<String> regions = new ArrayList<>(spec.regions());
    if (regions.isEmpty()) {
      regions.add(defaultRegion);
    }
    return regions;
  }

  public static MachineConfig of(Batch batch, String workflowId, int attempt, Map<String, String> metadata) {
    MachineSpec spec = batch.spec();
    Map<String, String> env = new LinkedHashMap<>(spec.env());
    env.put("EVENTS_PATH", EVENTS_PATH);
    env.put("LAMBDO_WORKFLOW_ID", workflowId);
    env.put("LAMBDO_ATTEMPT", Integer.toString(attempt));
    String events = Base64.getEncoder().encodeToString(batch.eventsJson().getBytes(StandardCharsets.UTF_8));
    return new MachineConfig(
        spec.image(),
        spec.command() == null ? null : new MachineConfig.Init(spec.command(), null),
        env,
        List.of(new MachineConfig.File(EVENTS_PATH, events, 0644)),
        spec.guest(),
        new MachineConfig.Restart("no"),
        metadata,
        false);
  }
}

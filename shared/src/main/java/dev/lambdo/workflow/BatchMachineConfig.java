package dev.lambdo.workflow;

import dev.lambdo.event.Batch;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.fly.MachineConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a batch's machine is made with, made or taken from a pool alike: the config (the image and
 * guest of its spec, the events at {@link #EVENTS_PATH} as the Go original, the spec's env and
 * command), and the name, metadata and regions of each attempt's create. One place, so a create
 * a poller makes before the start (its {@code FirstMachines}) is the one the batch's own create would make.
 */
public final class BatchMachineConfig {
  public static final String EVENTS_PATH = "/tmp/events.json";

  private BatchMachineConfig() {}

  /**
   * The name of a batch's machine for one attempt, unless it is pooled. Where Fly refuses a name
   * taken (UNCONFIRMED, docs/fly-machines-api.md), a create sent twice makes one machine; a create
   * that may be the second looks for the first by its {@link #lookup} metadata all the same.
   */
  public static String name(String workflowId, int attempt) {
    return workflowId + "-a" + attempt;
  }

  /**
   * What an attempt's machine is found again by: workflow and attempt alone, as are machines made
   * before the namespace was added.
   */
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

package dev.lambdo.worker;

import dev.lambdo.event.Batch;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.fly.MachineConfig;
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

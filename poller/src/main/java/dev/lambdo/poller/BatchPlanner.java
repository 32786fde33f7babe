package dev.lambdo.poller;

import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.EventPayloads;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.ParsedMessage;
import dev.lambdo.event.QueuedEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups events that need the same machine (equal {@link MachineSpec}s) and splits each group by
 * the events-per-machine limit, the events file's byte budget and what a Temporal payload takes
 * ({@link EventPayloads}). Order of arrival is kept.
 */
public final class BatchPlanner {
  private final String queueUrl;
  private final int eventsPerMachine;
  private final int fileBytes;
  private final OnFailure onFailure;
  private final int visibilitySeconds;

  public BatchPlanner(String queueUrl, int eventsPerMachine, int fileBytes, OnFailure onFailure,
      int visibilitySeconds) {
    this.queueUrl = queueUrl;
    this.eventsPerMachine = eventsPerMachine;
    this.fileBytes = fileBytes;
    this.onFailure = onFailure;
    this.visibilitySeconds = visibilitySeconds;
  }

  public List<Batch> plan(List<ParsedMessage.Accepted> accepted) {
    Map<MachineSpec, List<QueuedEvent>> groups = new LinkedHashMap<>();
    for (ParsedMessage.Accepted a : accepted) {
      groups.computeIfAbsent(a.spec(), s -> new ArrayList<>()).add(a.event());
    }
    List<Batch> batches = new ArrayList<>();
    groups.forEach((spec, events) -> split(spec, events, batches));
    return batches;
  }

  private void split(MachineSpec spec, List<QueuedEvent> events, List<Batch> batches) {
    List<QueuedEvent> current = new ArrayList<>();
    int bytes = 2; // the array's brackets
    int payload = 0;
    for (QueuedEvent event : events) {
      int size = event.body().strip().getBytes(StandardCharsets.UTF_8).length + 1;
      int cost = EventPayloads.cost(event.body());
      if (!current.isEmpty() && (current.size() == eventsPerMachine || bytes + size > fileBytes
          || payload + cost > EventPayloads.EVENTS_BUDGET)) {
        batches.add(batch(spec, current));
        current = new ArrayList<>();
        bytes = 2;
        payload = 0;
      }
      current.add(event);
      bytes += size;
      payload += cost;
    }
    if (!current.isEmpty()) {
      batches.add(batch(spec, current));
    }
  }

  private Batch batch(MachineSpec spec, List<QueuedEvent> events) {
    return new Batch(queueUrl, spec, events, onFailure, visibilitySeconds, null, null);
  }
}

package dev.lambdo.poller;

import dev.lambdo.config.FlySettings;
import dev.lambdo.event.Batch;
import dev.lambdo.fly.CreateMachineRequest;
import dev.lambdo.fly.FlyApiException;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.Machine;
import dev.lambdo.metrics.MachineMetrics;
import dev.lambdo.pool.Pools;
import dev.lambdo.workflow.BatchMachineConfig;
import dev.lambdo.workflow.FirstCreate;
import dev.lambdo.workflow.MachineRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A new batch's first machine, made by its poller just before the start and handed to the workflow
 * in its input ({@link FirstCreate}), with creates unpaced: a poller given Fly's token ({@code
 * PollerConfig#makesFirstMachines}), or one in a worker's process ({@code LAMBDO_WORKER_POLLS}) with the
 * worker's Fly client.
 *
 * <p>Measured in the bench before, two apps: between a message and its machine stood the start, the
 * server's dispatch of the first workflow task, the SDK's handling of it and the worker's create,
 * ~25 ms the plain loop does not have. Made here, the machine starts after the receive, the count
 * and the create alone, as in the plain loop. One process had begun the create beside the start
 * and had the worker's first create take it up: as fast in the bench, with more to go wrong.
 *
 * <p>Only for batches whose messages come for the first time (no run can have taken them up) and
 * whose shape has no warm pool (those claim a pooled machine). The request is the workflow's own
 * first create's — name, metadata, config — so the reaper knows the machine, and a create that got
 * no answer is looked for by the workflow before it makes one. Whatever goes wrong here the
 * workflow's own create makes up for: a create Fly refused leaves the batch as it was.
 */
public final class FirstMachines {
  /** Makes none: no Fly token, or creates the server paces. */
  public static final FirstMachines NONE = new FirstMachines(null, "", null, Pools.NONE, null, null);

  /** How long a create may hold its batch's start; past it the workflow looks for the machine, then makes it. */
  static final Duration CREATE_TIMEOUT = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(FirstMachines.class);

  private final FlyClient fly;
  private final String namespace;
  private final String defaultRegion;
  private final Pools pools;
  private final Map<String, Counter> outcomes;
  private final MachineMetrics machines;

  /**
   * @param namespace the batches' namespace, recorded on their machines as the workers record it
   * @param pools the workers' pools: a batch of a pooled shape gets no machine here
   * @param machines where Fly's answer and the events' wait for their machine are measured, as a
   *     worker's create measures them
   */
  public FirstMachines(FlyClient fly, String namespace, String defaultRegion, Pools pools, MeterRegistry registry,
      MachineMetrics machines) {
    this.fly = fly;
    this.machines = machines;
    this.namespace = namespace;
    this.defaultRegion = defaultRegion;
    this.pools = pools;
    this.outcomes = registry == null ? Map.of() : Map.of(
        "made", counter(registry, "made"), "refused", counter(registry, "refused"),
        "unanswered", counter(registry, "unanswered"));
  }

  /**
   * A Fly client for these creates: each holds its batch's start, and a round's starts wait for one
   * another, so a create Fly has not answered in {@link #CREATE_TIMEOUT} counts as unanswered.
   */
  public static FlyClient client(FlySettings settings, MeterRegistry registry) {
    return new FlyClient(FlyClient.defaultHttpClient().newBuilder().callTimeout(CREATE_TIMEOUT).build(), settings,
        registry);
  }

  private static Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("lambdo.first.machines")
        .description("First machines this poller asked Fly for before a batch's start, by outcome; on"
            + " 'refused' the workflow makes it, on 'unanswered' it looks for it first")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * @return the batch with its first create, about to start as {@code workflowId}; the batch as it
   *     was when this poller makes none for it or Fly refused it
   */
  Batch madeFor(String workflowId, Batch batch) {
    if (fly == null || !batch.firstReceive() || pools.forSpec(batch.spec()).isPresent()) {
      return batch;
    }
    CreateMachineRequest request = new CreateMachineRequest(BatchMachineConfig.name(workflowId, 1),
        BatchMachineConfig.regions(batch.spec(), defaultRegion).getFirst(),
        BatchMachineConfig.of(batch, workflowId, 1, BatchMachineConfig.labels(workflowId, 1, namespace, null)));
    try {
      long asked = System.nanoTime();
      Machine m = fly.create(request);
      machines.created(Duration.ofNanos(System.nanoTime() - asked));
      machines.firstMachine(batch, 1, System.currentTimeMillis());
      count("made");
      log.info("{}: made machine {} in {} before the start", workflowId, m.id(), m.region());
      return batch.withFirstCreate(new FirstCreate(new MachineRef(m.id(), m.name(), m.region(), m.instanceId())));
    } catch (FlyApiException e) {
      if (refused(e)) {
        // Nothing was made (a 429 is not carried out): the workflow's create, paced by its own
        // retries, tries every region the batch allows.
        count("refused");
        log.info("{}: Fly refused the first machine before the start, the workflow makes it: {}", workflowId,
            e.getMessage());
        return batch;
      }
      return unanswered(workflowId, batch, e);
    } catch (RuntimeException e) {
      return unanswered(workflowId, batch, e);
    }
  }

  /**
   * An answer that says nothing was made: a 429 (not carried out) or another 4xx but a timeout and a
   * name taken. A 2xx whose body could not be read, a 5xx or no answer may have made it.
   */
  private static boolean refused(FlyApiException e) {
    return e.isRateLimited() || e.status() >= 400 && e.status() < 500 && e.status() != 408 && !e.isNameTaken();
  }

  /** Fly may have made it (no answer, a 5xx, or the name taken by an earlier try): the workflow looks first. */
  private Batch unanswered(String workflowId, Batch batch, RuntimeException e) {
    count("unanswered");
    log.warn("{}: no clear answer to the first machine's create before the start, the workflow looks for it"
        + " before making one: {}", workflowId, e.getMessage());
    return batch.withFirstCreate(FirstCreate.unanswered());
  }

  /**
   * The start made no new run: the machine made for it is no run's, and would run the events
   * beside the run that has them. Destroyed now rather than left to the reaper.
   */
  void discard(String workflowId, Batch sent) {
    if (sent.firstCreate() == null || sent.firstCreate().machine() == null) {
      return;
    }
    String id = sent.firstCreate().machine().id();
    try {
      fly.destroy(id);
      log.info("{}: its batch runs already; destroyed machine {} made before the start", workflowId, id);
    } catch (RuntimeException e) {
      log.warn("{}: its batch runs already; could not destroy machine {} made before the start, the reaper will:"
          + " {}", workflowId, id, e.getMessage());
    }
  }

  private void count(String outcome) {
    Counter counter = outcomes.get(outcome);
    if (counter != null) {
      counter.increment();
    }
  }
}

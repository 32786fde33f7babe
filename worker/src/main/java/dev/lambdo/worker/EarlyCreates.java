package dev.lambdo.worker;

import dev.lambdo.workflow.BatchMachineConfig;
import dev.lambdo.config.WorkerConfig;
import dev.lambdo.event.Batch;
import dev.lambdo.fly.CreateMachineRequest;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.Machine;
import dev.lambdo.pool.Pools;
import dev.lambdo.poller.EarlyCreate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The creates the poller in this process ({@code LAMBDO_WORKER_POLLS}) begins beside its starts
 * ({@link EarlyCreate}), taken up by the batches' first creates ({@link MachineActivitiesImpl}).
 *
 * <p>Measured in the bench before (one process, creates unpaced): between a message and its
 * create stood the start's round trip and the SDK's handling of the task it returns, ~20 ms the
 * plain loop does not have. Begun beside the start, the create's own call to Fly overlaps them.
 *
 * <p>Only where the create would go to Fly at once anyway: creates unpaced (paced ones must pass
 * the server's pace for the whole app) and batches of a shape with no warm pool (those claim a
 * pooled machine first). The request is the create's own — name, metadata, config — so a first
 * create that takes nothing up here (its task ran in another process, or Fly's answer was lost)
 * looks for the machine by its metadata before making one, and the reaper takes one whose workflow
 * never ran. The price, stated in the README: a poller that dies in the few milliseconds
 * between this create and its start has begun a machine whose messages SQS hands out again.
 */
public final class EarlyCreates implements EarlyCreate {
  /** Begins none: a worker whose poller runs elsewhere, or whose creates the server paces. */
  public static final EarlyCreates NONE = new EarlyCreates(null, "", "", new Pools(List.of(), ""));
  /** A create no first task took up (its task ran on another worker) is forgotten after this. */
  static final Duration FORGET_AFTER = Duration.ofMinutes(5);
  /** The longest a first create waits for Fly's answer to the early one: past the client's own timeouts. */
  static final Duration TAKE_TIMEOUT = Duration.ofMinutes(2);

  private static final Logger log = LoggerFactory.getLogger(EarlyCreates.class);

  private final FlyClient fly;
  private final String namespace;
  private final String defaultRegion;
  private final Pools pools;
  private final Map<String, Begun> begun = new ConcurrentHashMap<>();

  /** A machine Fly made for an early create, and how long Fly took to answer. */
  public record Made(Machine machine, Duration took) {}

  private record Begun(CompletableFuture<Made> made, long begunAtNanos) {}

  /**
   * @param namespace the namespace the batches run in, recorded on their machines
   * @param pools the worker's pools: a batch of a pooled shape begins no create
   */
  public EarlyCreates(FlyClient fly, String namespace, String defaultRegion, Pools pools) {
    this.fly = fly;
    this.namespace = namespace;
    this.defaultRegion = defaultRegion;
    this.pools = pools;
  }

  /** For a worker process: creates begun only when it polls and its creates are unpaced. */
  public static EarlyCreates forWorker(WorkerConfig config, String namespace, FlyClient fly, Pools pools) {
    return config.poller().isPresent() && config.createsPerSecond() == 0
        ? new EarlyCreates(fly, namespace, config.fly().region(), pools)
        : NONE;
  }

  @Override
  public void begin(String workflowId, Batch batch) {
    if (fly == null || pools.forSpec(batch.spec()).isPresent()) {
      return;
    }
    forgetOld();
    CreateMachineRequest request = new CreateMachineRequest(BatchMachineConfig.name(workflowId, 1),
        BatchMachineConfig.regions(batch.spec(), defaultRegion).getFirst(),
        BatchMachineConfig.of(batch, workflowId, 1, BatchMachineConfig.labels(workflowId, 1, namespace, null)));
    CompletableFuture<Made> made = new CompletableFuture<>();
    begun.put(workflowId, new Begun(made, System.nanoTime()));
    Thread.ofVirtual().name("early-create").start(() -> {
      long asked = System.nanoTime();
      try {
        made.complete(new Made(fly.create(request), Duration.ofNanos(System.nanoTime() - asked)));
      } catch (Throwable e) {
        // Whatever happened, the first create must not wait for an answer that never comes.
        made.completeExceptionally(e);
      }
    });
  }

  @Override
  public void abandon(String workflowId) {
    begun.remove(workflowId);
  }

  /**
   * Whether batches of this deployment may have their first machine begun early, in this process or
   * another like it: their first create must then look for it before making one, unless it takes
   * it up here.
   */
  boolean active() {
    return fly != null;
  }

  /**
   * The machine begun for the batch's first create, once Fly made it; empty when none was begun in
   * this process, or Fly's answer was not a machine (it may still have made one: the create looks).
   */
  Optional<Made> take(String workflowId) {
    Begun taken = begun.remove(workflowId);
    if (taken == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(taken.made().get(TAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      log.info("{}: the create begun beside the start failed, the batch's create looks for its machine, then"
          + " makes it: {}", workflowId, e.getCause().toString());
      return Optional.empty();
    } catch (TimeoutException e) {
      log.warn("{}: no answer to the create begun beside the start in {} s; the batch's create looks for its"
          + " machine, then makes it", workflowId, TAKE_TIMEOUT.toSeconds());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the create begun beside the start", e);
    }
  }

  private void forgetOld() {
    long now = System.nanoTime();
    begun.values().removeIf(b -> now - b.begunAtNanos() > FORGET_AFTER.toNanos());
  }
}

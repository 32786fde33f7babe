package dev.lambdo.reaper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.lambdo.config.Secret;
import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.event.Guest;
import dev.lambdo.fly.CreateMachineRequest;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.MachineConfig;
import dev.lambdo.workflow.MachineMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which machines the reaper destroys: those whose workflow in this namespace is closed or gone. */
class OrphanedMachinesTest {
  @TempDir Path dir;
  private FlyEmulator emulator;
  private FlyClient fly;
  private TestWorkflowEnvironment temporal;
  private WorkflowClient client;

  @WorkflowInterface
  public interface Waits {
    @WorkflowMethod
    void waitForever();
  }

  public static final class WaitsImpl implements Waits {
    @Override
    public void waitForever() {
      Workflow.await(() -> false);
    }
  }

  @BeforeEach
  void start() throws Exception {
    emulator = new FlyEmulator(0, "t0ken", dir);
    fly = new FlyClient(FlyClient.defaultHttpClient(), HttpUrl.get(emulator.url()), HttpUrl.get(emulator.url()),
        new Secret("t0ken"), "app");
    temporal = TestWorkflowEnvironment.newInstance();
    temporal.newWorker("q").registerWorkflowImplementationTypes(WaitsImpl.class);
    temporal.start();
    client = temporal.getWorkflowClient();
  }

  @AfterEach
  void stop() {
    temporal.close();
    emulator.close();
  }

  private void startWorkflow(String id) {
    WorkflowClient.start(client.newWorkflowStub(Waits.class,
        WorkflowOptions.newBuilder().setTaskQueue("q").setWorkflowId(id).build())::waitForever);
  }

  private String machine(String name, Map<String, String> metadata) {
    MachineConfig config = new MachineConfig("img:1", new MachineConfig.Init(List.of("sleep", "60"), null), Map.of(),
        List.of(), Guest.cpu("shared", 1, 256), new MachineConfig.Restart("no"), metadata, false);
    return fly.create(new CreateMachineRequest(name, null, config)).id();
  }

  private static Map<String, String> of(String workflowId, String namespace) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put(MachineMetadata.WORKFLOW_ID, workflowId);
    metadata.put(MachineMetadata.ATTEMPT, "1");
    if (namespace != null) {
      metadata.put(MachineMetadata.NAMESPACE, namespace);
    }
    return metadata;
  }

  @Test
  void destroysOnlyMachinesWhoseWorkflowHereIsClosedOrGone() {
    String namespace = client.getOptions().getNamespace();
    startWorkflow("lambdo-open");
    startWorkflow("lambdo-terminated");
    WorkflowStub.fromTyped(client.newWorkflowStub(Waits.class, "lambdo-terminated")).terminate("test");
    String running = machine("running", of("lambdo-open", namespace));
    String terminated = machine("terminated", of("lambdo-terminated", namespace));
    String unknown = machine("unknown", of("lambdo-never-started", null));
    String elsewhere = machine("elsewhere", of("lambdo-terminated", "another-namespace"));
    String notOurs = machine("not-ours", Map.of("team", "web"));

    ReapResult result = new OrphanedMachinesImpl(fly, client).destroyOrphans();

    assertEquals(Set.of(terminated, unknown), Set.copyOf(result.destroyed()));
    assertEquals(3, result.checked(), "machines of this namespace, or of none named");
    for (String kept : List.of(running, elsewhere, notOurs)) {
      assertNotEquals("destroyed", emulator.state(kept), kept);
    }
    assertEquals("destroyed", emulator.state(terminated));
    assertEquals("destroyed", emulator.state(unknown));
  }

  /** Issue 13: a pooled machine may be changing hands; the reaper takes its lease first. */
  @Test
  void aPooledOrphanIsDestroyedUnderItsLeaseAndALeasedOneIsLeftForTheNextSweep() {
    String namespace = client.getOptions().getNamespace();
    startWorkflow("lambdo-terminated");
    WorkflowStub.fromTyped(client.newWorkflowStub(Waits.class, "lambdo-terminated")).terminate("test");
    Map<String, String> pooled = of("lambdo-terminated", namespace);
    pooled.put(MachineMetadata.POOL, "0123456789abcdef");
    String orphan = machine("pooled-orphan", pooled);
    String changingHands = machine("pooled-leased", pooled);
    fly.acquireLease(changingHands, java.time.Duration.ofSeconds(30), "a claim").orElseThrow();

    ReapResult result = new OrphanedMachinesImpl(fly, client).destroyOrphans();

    assertEquals(List.of(orphan), result.destroyed());
    assertEquals("destroyed", emulator.state(orphan));
    assertNotEquals("destroyed", emulator.state(changingHands));
  }
}

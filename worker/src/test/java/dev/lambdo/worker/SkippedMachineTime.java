package dev.lambdo.worker;

import dev.lambdo.workflow.AwaitExitRequest;
import dev.lambdo.workflow.ExitStatus;
import io.temporal.activity.Activity;
import io.temporal.api.testservice.v1.LockTimeSkippingRequest;
import io.temporal.api.testservice.v1.UnlockTimeSkippingRequest;
import io.temporal.client.ActivityCanceledException;
import io.temporal.client.ActivityCompletionClient;
import io.temporal.client.ActivityNotExistsException;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.TestServiceStubs;
import io.temporal.serviceclient.TestServiceStubsOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mockito.stubbing.Answer;

/**
 * A machine that runs for minutes or days of skipped time on the time-skipping test server.
 * The mocked awaitExit leaves its activity open and this class heartbeats for it while it skips
 * time: an activity's own heartbeats are throttled in real time, and skipped time outruns them.
 */
final class SkippedMachineTime {
  /** Under the workflow's 30 s heartbeat timeout for awaitExit. */
  private static final Duration STEP = Duration.ofSeconds(25);

  private final TestWorkflowEnvironment env;
  private final ActivityCompletionClient completions;
  private final TestServiceStubs testService;
  private final List<AwaitExitRequest> waits = new CopyOnWriteArrayList<>();
  private final List<byte[]> tokens = new CopyOnWriteArrayList<>();
  private int unlocked;

  SkippedMachineTime(TestWorkflowEnvironment env, WorkflowClient client) {
    this.env = env;
    this.completions = client.newActivityCompletionClient();
    this.testService = TestServiceStubs.newServiceStubs(TestServiceStubsOptions.newBuilder(env.getWorkflowServiceStubs().getOptions())
        .setChannel(env.getWorkflowServiceStubs().getRawChannel()).build());
  }

  /** The answer for {@code machines.awaitExit}: the wait stays open until {@link #exit}. */
  Answer<ExitStatus> awaitExit() {
    return invocation -> {
      waits.add(invocation.getArgument(0));
      Activity.getExecutionContext().doNotCompleteOnReturn();
      tokens.add(Activity.getExecutionContext().getTaskToken());
      return null;
    };
  }

  List<AwaitExitRequest> waits() {
    return waits;
  }

  /** Lets skipped time pass until {@code epochMs} while the machine runs, heartbeating for it. */
  void runUntil(long epochMs) throws InterruptedException {
    while (tokens.isEmpty()) {
      Thread.sleep(10);
    }
    while (env.currentTimeMillis() < epochMs) {
      // The test server holds time still while an activity is open, and keeps holding for one
      // whose run continued as new: lift one hold per wait so only the sleeps here skip time.
      while (unlocked < tokens.size()) {
        testService.blockingStub().unlockTimeSkipping(UnlockTimeSkippingRequest.getDefaultInstance());
        unlocked++;
      }
      env.sleep(STEP);
      int known = tokens.size();
      try {
        completions.heartbeat(tokens.getLast(), null);
      } catch (ActivityNotExistsException | ActivityCanceledException gone) {
        // That run continued as new: its successor awaits the machine under a new token.
        while (tokens.size() == known) {
          Thread.sleep(10);
        }
      }
    }
  }

  void runFor(Duration duration) throws InterruptedException {
    while (tokens.isEmpty()) {
      Thread.sleep(10);
    }
    runUntil(env.currentTimeMillis() + duration.toMillis());
  }

  /**
   * The machine ends; time is held still again, as the test server had it. The hold comes first:
   * completing the wait drops the activity's hold, and with none left the server would skip ahead
   * freely before the workflow has taken its next step.
   */
  void exit(ExitStatus status) {
    testService.blockingStub().lockTimeSkipping(LockTimeSkippingRequest.getDefaultInstance());
    completions.complete(tokens.getLast(), status);
  }
}

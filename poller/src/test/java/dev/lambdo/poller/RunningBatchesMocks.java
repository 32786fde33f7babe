package dev.lambdo.poller;

import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import org.mockito.Answers;

/** A mock count whose default methods do what the interface says, from the stubbed {@code count()}. */
final class RunningBatchesMocks {
  private RunningBatchesMocks() {}

  static RunningBatches mockCount() {
    return mock(RunningBatches.class, withSettings().defaultAnswer(invocation ->
        invocation.getMethod().isDefault() ? invocation.callRealMethod() : Answers.RETURNS_DEFAULTS.answer(invocation)));
  }
}

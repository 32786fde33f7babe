package dev.lambdo.cli;

import dev.lambdo.config.ConfigException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Turns what libraries throw into {@link UserError}s that say what happened in the user's terms:
 * the SDKs' exceptions carry the useful sentence several causes deep, under a stack trace.
 */
public final class Failures {
  private Failures() {}

  /** The user error {@code e} stands for, if it is one a user can act on. */
  public static Optional<UserError> explain(Throwable e) {
    return explain(e, null);
  }

  /** As {@link #explain(Throwable)}, naming the Temporal server tried when it could not be reached. */
  public static Optional<UserError> explain(Throwable e, String temporalAddress) {
    if (e instanceof UserError user) {
      return Optional.of(user);
    }
    if (e instanceof ConfigException config) {
      return Optional.of(UserError.usage(config.getMessage()));
    }
    if (e instanceof AwsServiceException aws) {
      String message = aws.awsErrorDetails() == null ? aws.getMessage()
          : aws.awsErrorDetails().errorMessage() + " (" + aws.awsErrorDetails().errorCode() + ")";
      return Optional.of(UserError.unreachable("SQS refused: " + message));
    }
    if (e instanceof SdkClientException client) {
      return Optional.of(UserError.unreachable("could not reach SQS: " + client.getMessage()));
    }
    return grpcStatus(e).map(status -> temporal(status, temporalAddress));
  }

  /** The gRPC status somewhere in the causes: Temporal's client wraps it once or twice. */
  public static Optional<StatusRuntimeException> grpcStatus(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StatusRuntimeException status) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  private static UserError temporal(StatusRuntimeException e, String address) {
    Status status = e.getStatus();
    String detail = status.getDescription() == null ? status.getCode().name()
        : status.getDescription() + " (" + status.getCode() + ")";
    return switch (status.getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED ->
          UserError.unreachable("could not reach Temporal" + (address == null ? "" : " at " + address)
              + " (TEMPORAL_ADDRESS): " + detail);
      default -> UserError.unreachable("Temporal refused: " + detail);
    };
  }
}

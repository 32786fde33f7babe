package dev.lambdo.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's configuration, in code so the format follows {@link LogFormat} with no XML to keep
 * in step. Registered as a service by the worker and poller jars.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogSetup extends ContextAwareBase implements Configurator {
  /**
   * The SDK logs a failed workflow at WARN with its stack trace; for Lambdo that is a batch whose
   * machine failed, a business outcome the workflow logs itself in one line.
   */
  static final String WORKFLOW_FAILURES = "io.temporal.internal.sync.WorkflowExecutionHandler";
  static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} %X{WorkflowId} %X{MachineId} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    LogFormat format = LogFormat.of(System.getenv(LogFormat.VARIABLE));
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    console.setEncoder(encoder(context, format));
    console.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    // For people, Lambdo's own lines and only the libraries' warnings; for machines, all of it.
    root.setLevel(format == LogFormat.TEXT ? Level.WARN : Level.INFO);
    context.getLogger("dev.lambdo").setLevel(Level.INFO);
    root.addAppender(console);
    context.getLogger(WORKFLOW_FAILURES).setLevel(Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  static Encoder<ILoggingEvent> encoder(LoggerContext context, LogFormat format) {
    if (format == LogFormat.TEXT) {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(context);
      text.setPattern(TEXT_PATTERN);
      text.start();
      return text;
    }
    JsonEncoder json = new JsonEncoder();
    json.setContext(context);
    json.setWithSequenceNumber(false);
    json.setWithNanoseconds(false);
    json.setWithContext(false);
    json.setWithArguments(false);
    json.setWithMessage(false);
    json.setWithFormattedMessage(true);
    json.start();
    return json;
  }
}

package dev.lambdo.cli;

import dev.lambdo.codecserver.CodecServerCommand;
import dev.lambdo.replay.ReplayCommand;
import dev.lambdo.send.SendCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/** {@code lambdo}: the command line of Lambdo, one jar: send events, replay failed batches. */
@Command(
    name = "lambdo",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {"Send events to a Lambdo queue, replay failed batches, serve the payload codec.", ""},
    subcommands = HelpCommand.class,
    footerHeading = "%n",
    footer = {"Run 'lambdo COMMAND --help' for a command's options.",
        "Settings come from the environment as for the poller: LAMBDO_SQS_QUEUE_URL, AWS_*, TEMPORAL_*, "
            + "and the guardrails LAMBDO_ALLOWED_* and LAMBDO_MAX_* (see the README)."})
public final class Lambdo implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Missing a command: send, replay or codec-server");
  }

  public static void main(String[] args) {
    System.exit(run(Console.system(), args));
  }

  /** Runs one command line against {@code console}; returns its exit code. */
  public static int run(Console console, String... args) {
    return commandLine(console).execute(args);
  }

  static CommandLine commandLine(Console console) {
    CommandLine cli = new CommandLine(new Lambdo())
        .addSubcommand(new SendCommand(console))
        .addSubcommand(new ReplayCommand(console))
        .addSubcommand(new CodecServerCommand(console));
    cli.setOut(console.out());
    cli.setErr(console.err());
    // '@file' would read arguments from a file: a surprise in a command's words or an event.
    cli.setExpandAtFiles(false);
    cli.setParameterExceptionHandler(Lambdo::usageError);
    cli.setExecutionExceptionHandler((e, command, parsed) -> failed(e, command));
    exitCodes(cli);
    return cli;
  }

  /** Every command's help ends with the exit codes it can end with. */
  private static void exitCodes(CommandLine command) {
    boolean canFailABatch = !command.getCommandName().equals("send");
    command.getCommandSpec().usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(Exit.descriptions(canFailABatch));
    command.getSubcommands().values().forEach(Lambdo::exitCodes);
  }

  /** The mistake and where to read more: the whole usage would bury the one line that matters. */
  private static int usageError(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    PrintWriter err = command.getErr();
    // picocli starts some of its messages with "Error: "; the command's name says as much.
    err.println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage().replaceFirst("^Error: ", ""));
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for its options.");
    err.flush();
    return Exit.USAGE;
  }

  private static int failed(Exception e, CommandLine command) {
    PrintWriter err = command.getErr();
    String name = command.getCommandSpec().qualifiedName();
    var explained = Failures.explain(e);
    if (explained.isPresent()) {
      err.println(name + ": " + explained.get().getMessage());
      err.flush();
      return explained.get().exitCode();
    }
    err.println(name + ": a bug in lambdo, please report it with this trace:");
    e.printStackTrace(err);
    err.flush();
    return Exit.BUG;
  }
}

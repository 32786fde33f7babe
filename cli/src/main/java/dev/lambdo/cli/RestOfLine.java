package dev.lambdo.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.ParameterException;

/**
 * Gives an option every word after it, as the shell split them, options of the program included
 * ({@code --command sh -c 'echo hi'}): the words need no quoting beyond the shell's.
 */
public final class RestOfLine implements IParameterConsumer {
  @Override
  public void consumeParameters(Stack<String> args, ArgSpec option, CommandSpec command) {
    List<String> words = new ArrayList<>();
    while (!args.isEmpty()) {
      words.add(args.pop());
    }
    if (words.isEmpty()) {
      String name = option instanceof OptionSpec o ? o.longestName() : option.paramLabel();
      throw new ParameterException(command.commandLine(), name + " needs the program to run, and its arguments, after it");
    }
    option.setValue(words);
  }
}

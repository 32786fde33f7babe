package dev.lambdo.devkit.cli;

import dev.lambdo.cli.Console;
import dev.lambdo.cli.Lambdo;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One lambdo command line run in this JVM with its own environment: exit code and output. */
public record CliRun(int exitCode, String out, String err) {
  private static final Pattern SENT = Pattern.compile("sent message (\\S+) to ");

  public static CliRun of(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Lambdo.run(new Console(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true),
        new PrintWriter(err, true), env), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** The message id a send printed. */
  public String messageId() {
    Matcher m = SENT.matcher(out);
    if (!m.find()) {
      throw new AssertionError("no message id in: " + this);
    }
    return m.group(1);
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}

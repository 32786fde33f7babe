package dev.lambdo.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One lambdo command line run in this JVM: its exit code and what it printed. */
public record Run(int exitCode, String out, String err) {
  public static Run withStdin(Map<String, String> env, String stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Console console = new Console(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintWriter(out, true), new PrintWriter(err, true), env);
    int code = Lambdo.run(console, args);
    return new Run(code, out.toString(), err.toString());
  }

  public static Run of(Map<String, String> env, String... args) {
    return withStdin(env, "", args);
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
  }
}

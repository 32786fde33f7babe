package dev.lambdo.cli;

import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a command reads and writes: the process's streams and environment, handed in so tests run
 * commands in this JVM with their own.
 */
public record Console(InputStream in, PrintWriter out, PrintWriter err, Map<String, String> env) {
  public static Console system() {
    return new Console(System.in, writer(System.out, "stdout.encoding"), writer(System.err, "stderr.encoding"),
        System.getenv());
  }

  /** In the terminal's encoding, as the JVM found it (./lambdo makes it UTF-8). */
  private static PrintWriter writer(PrintStream stream, String encodingProperty) {
    String encoding = System.getProperty(encodingProperty);
    Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
    return new PrintWriter(new OutputStreamWriter(stream, charset), true);
  }
}

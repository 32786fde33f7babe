package dev.lambdo.codecserver;

import dev.lambdo.cli.Console;
import dev.lambdo.cli.UserError;
import dev.lambdo.codec.CodecServer;
import dev.lambdo.codec.EncryptionCodec;
import dev.lambdo.codec.PayloadKeys;
import dev.lambdo.config.EnvReader;
import dev.lambdo.config.Secret;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lambdo codec-server}: decrypts payloads for the Temporal Web UI and CLI, for whoever
 * holds its token. Run it where the people who may read events can reach it, never on the
 * worker or poller (they take no traffic).
 */
@Command(
    name = "codec-server",
    sortOptions = false,
    description = {
        "Serve Temporal's remote codec (POST /decode, /encode) with the keys of LAMBDO_PAYLOAD_KEY and",
        "LAMBDO_PAYLOAD_OLD_KEYS, so the Web UI and 'temporal --codec-endpoint' show encrypted payloads.",
        "Every call needs 'Authorization: Bearer $LAMBDO_CODEC_SERVER_TOKEN', or the session cookie a",
        "browser gets by signing in with that token at /login (the Web UI sends cookies, not our token).",
        "Runs until stopped."},
    footerHeading = "%nExamples:%n",
    footer = {
        "  LAMBDO_CODEC_SERVER_TOKEN=$(openssl rand -hex 24) lambdo codec-server --allow-origin http://localhost:8233",
        "  temporal workflow show -w lambdo-… --codec-endpoint http://127.0.0.1:8081 \\",
        "      --codec-auth \"Bearer $LAMBDO_CODEC_SERVER_TOKEN\"",
        "  then, for the Web UI at http://localhost:8233: sign in at http://localhost:8081/login (the UI's",
        "  host name: 127.0.0.1 is another site to a browser)"})
public final class CodecServerCommand implements Callable<Integer> {
  static final String TOKEN = "LAMBDO_CODEC_SERVER_TOKEN";

  private final Console console;

  @Option(names = "--listen", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address to listen on (default ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8081",
      description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one).")
  int port;

  @Option(names = "--allow-origin", paramLabel = "ORIGIN",
      description = "A web origin (the Web UI's, e.g. http://localhost:8233) whose pages may call; repeatable.")
  List<String> origins = List.of();

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  public CodecServerCommand(Console console) {
    this.console = console;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw UserError.usage("--port must be between 0 and 65535, was " + port);
    }
    EnvReader env = new EnvReader(console.env());
    PayloadKeys keys = PayloadKeys.read(env);
    Secret token = env.secret(TOKEN);
    if (keys == null && env.optional(PayloadKeys.CURRENT).isEmpty()) {
      env.problem(PayloadKeys.CURRENT + " is required: there is nothing to decrypt without it");
    }
    env.check();
    CountDownLatch stopped = new CountDownLatch(1);
    try (CodecServer server = new CodecServer(new InetSocketAddress(listen, port), new EncryptionCodec(keys), token,
        new LinkedHashSet<>(origins))) {
      String url = "http://" + listen + ":" + server.port();
      console.out().println("codec server on " + url + " with keys " + keys
          + (origins.isEmpty() ? "; no web origin allowed" : "; web origins " + origins
              + "; people sign in for the Web UI at /login, under the UI's host name"));
      console.out().flush();
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      stopped.await();
    } catch (IOException e) {
      throw UserError.usage("cannot listen on " + listen + ":" + port + ": " + e.getMessage());
    }
    return 0;
  }
}

package dev.lambdo.devkit.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a machine's process runs, and with which env, from {@code config.init}, one {@code
 * config.processes[]} entry and the image's CMD (the emulator cannot read images, so it uses the
 * command mapped to the image).
 *
 * <p>How an argv is built follows Fly's init (superfly/init-snapshot {@code main.rs}, 2021): an
 * exec override replaces everything, else the entrypoint followed by the cmd override or the
 * image's CMD; extra env is laid over the env.
 *
 * <p>UNCONFIRMED, how {@code processes[]} combines with {@code init}: the docs (machines-resource,
 * "processes") only say each entry is a process run in the machine, with its own {@code exec},
 * {@code entrypoint}, {@code cmd} and {@code env}; fly-go names those fields {@code ExecOverride},
 * {@code EntrypointOverride}, {@code CmdOverride} and {@code ExtraEnv}, the names init gives its
 * overrides. So here each field of the entry, when set, overrides the same field of {@code init},
 * and its env is laid over {@code config.env}. The {@code user} field is ignored: the emulator runs
 * processes as itself.
 */
record StartCommand(List<String> argv, Map<String, String> env) {
  /** Why the emulator cannot run this config, if it cannot; Fly runs every entry of processes[]. */
  static Optional<String> unsupported(JsonNode config) {
    if (config.path("processes").size() > 1) {
      return Optional.of("the emulator runs at most one entry of config.processes, got "
          + config.path("processes").size());
    }
    return Optional.empty();
  }

  /**
   * @param guestPaths guest path → local path of the files written for the machine; paths in the
   *     command and env are rewritten to the local ones
   * @throws IllegalArgumentException when nothing says what to run
   */
  static StartCommand of(JsonNode config, Map<String, List<String>> imageCommands, Map<String, String> guestPaths) {
    JsonNode init = config.path("init");
    JsonNode process = config.path("processes").path(0);
    List<String> argv = new ArrayList<>();
    List<String> exec = strings(process, init, "exec");
    if (!exec.isEmpty()) {
      argv.addAll(exec);
    } else {
      argv.addAll(strings(process, init, "entrypoint"));
      List<String> cmd = strings(process, init, "cmd");
      if (cmd.isEmpty()) {
        String image = config.path("image").asText();
        cmd = imageCommands.get(image);
        if (cmd == null) {
          throw new IllegalArgumentException("image " + image + " has no CMD known to the emulator: send a"
              + " 'command' attribute, or map the image in LAMBDO_EMULATOR_IMAGES");
        }
      }
      argv.addAll(cmd);
    }
    Map<String, String> env = new LinkedHashMap<>();
    config.path("env").properties().forEach(e -> env.put(e.getKey(), rewrite(e.getValue().asText(), guestPaths)));
    process.path("env").properties().forEach(e -> env.put(e.getKey(), rewrite(e.getValue().asText(), guestPaths)));
    return new StartCommand(argv.stream().map(a -> rewrite(a, guestPaths)).toList(), env);
  }

  /** The process entry's non-empty array {@code field}, else init's, else none. */
  private static List<String> strings(JsonNode process, JsonNode init, String field) {
    JsonNode chosen = process.path(field).isArray() && !process.path(field).isEmpty() ? process.path(field) : init.path(field);
    List<String> out = new ArrayList<>();
    chosen.forEach(a -> out.add(a.asText()));
    return out;
  }

  private static String rewrite(String value, Map<String, String> guestPaths) {
    String out = value;
    for (Map.Entry<String, String> e : guestPaths.entrySet()) {
      out = out.replace(e.getKey(), e.getValue());
    }
    return out;
  }
}

package dev.lambdo.devkit.emulator;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The env a machine's process starts with. Never the emulator's own: a developer's shell holds
 * AWS keys and tokens, and a machine runs whatever command a message names. It gets what a Fly
 * machine would have (its config's env, the FLY_* variables) plus PATH to find its programs, and
 * HOME and TMPDIR inside its own directory.
 */
final class MachineEnv {
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private MachineEnv() {}

  /**
   * @param emulatorEnv the emulator's env; only PATH is taken from it
   * @param fly the FLY_* variables Fly sets in every machine; they win over the config's
   */
  static Map<String, String> of(Map<String, String> emulatorEnv, Path rootfs, Map<String, String> fly,
      Map<String, String> config) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", emulatorEnv.getOrDefault("PATH", DEFAULT_PATH));
    env.put("HOME", rootfs.toString());
    env.put("TMPDIR", rootfs.resolve("tmp").toString());
    env.putAll(config);
    env.putAll(fly);
    return env;
  }
}

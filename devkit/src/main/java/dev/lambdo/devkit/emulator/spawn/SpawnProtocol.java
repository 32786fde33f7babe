package dev.lambdo.devkit.emulator.spawn;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the emulator and its {@link SpawnerMain} say to each other over the spawner's stdin and
 * stdout: binary frames, each led by a request's key, so any byte may appear in a command, an
 * env value or a path. JDK classes only: the spawner's class path is this package's.
 */
final class SpawnProtocol {
  /** The spawner's first word: what it prints next are frames, not a JVM's chatter. */
  static final int HELLO = 0x4c4d4244;
  static final byte STARTED = 1;
  static final byte FAILED = 2;
  static final byte EXITED = 3;

  /** A process to start: its output (stdout and stderr) is appended to {@code output}. */
  record Request(int key, List<String> argv, Map<String, String> env, String dir, String output) {}

  private SpawnProtocol() {}

  static void write(DataOutputStream out, Request r) throws IOException {
    out.writeInt(r.key());
    out.writeInt(r.argv().size());
    for (String arg : r.argv()) {
      writeString(out, arg);
    }
    out.writeInt(r.env().size());
    for (Map.Entry<String, String> e : r.env().entrySet()) {
      writeString(out, e.getKey());
      writeString(out, e.getValue());
    }
    writeString(out, r.dir());
    writeString(out, r.output());
    out.flush();
  }

  /** The next request; the key has been read already (its absence is the end of the stream). */
  static Request read(int key, DataInputStream in) throws IOException {
    int argc = in.readInt();
    List<String> argv = new ArrayList<>(argc);
    for (int i = 0; i < argc; i++) {
      argv.add(readString(in));
    }
    int envc = in.readInt();
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i < envc; i++) {
      env.put(readString(in), readString(in));
    }
    return new Request(key, argv, env, readString(in), readString(in));
  }

  static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  static String readString(DataInputStream in) throws IOException {
    byte[] bytes = new byte[in.readInt()];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}

package dev.lambdo.devkit.emulator.spawn;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The spawner process: starts the processes {@link Spawner} asks for and reports each one's pid
 * and exit. It holds a handful of descriptors and gives its children no pipe, so a start costs
 * the same with two thousand machines alive as with none. When the emulator goes (its stdin
 * closes), so do the machines it started.
 */
public final class SpawnerMain {
  private static final File NO_INPUT = new File("/dev/null");

  private final DataOutputStream out;
  private final Set<Process> live = ConcurrentHashMap.newKeySet();

  private SpawnerMain(DataOutputStream out) {
    this.out = out;
  }

  public static void main(String[] args) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out)));
    SpawnerMain spawner = new SpawnerMain(out);
    synchronized (out) {
      out.writeInt(SpawnProtocol.HELLO);
      out.flush();
    }
    try {
      spawner.serve(in);
    } finally {
      spawner.killAll();
    }
    System.exit(0);
  }

  private void serve(DataInputStream in) throws IOException {
    while (true) {
      int key;
      try {
        key = in.readInt();
      } catch (EOFException e) {
        return;
      }
      start(SpawnProtocol.read(key, in));
    }
  }

  private void start(SpawnProtocol.Request request) throws IOException {
    Process process;
    try {
      ProcessBuilder builder = new ProcessBuilder(request.argv()).directory(new File(request.dir()))
          .redirectInput(ProcessBuilder.Redirect.from(NO_INPUT)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(new File(request.output())));
      builder.environment().clear();
      builder.environment().putAll(request.env());
      process = builder.start();
    } catch (IOException | RuntimeException e) {
      reply(SpawnProtocol.FAILED, request.key(), o -> SpawnProtocol.writeString(o, String.valueOf(e.getMessage())));
      return;
    }
    live.add(process);
    long pid = process.pid();
    reply(SpawnProtocol.STARTED, request.key(), o -> o.writeLong(pid));
    // After the start is told: the emulator hears of an exit only for a process it knows.
    process.onExit().thenAccept(done -> {
      live.remove(done);
      try {
        reply(SpawnProtocol.EXITED, request.key(), o -> o.writeInt(done.exitValue()));
      } catch (IOException e) {
        // The emulator is gone; the stdin loop ends and kills the rest.
      }
    });
  }

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private void reply(byte kind, int key, Body body) throws IOException {
    synchronized (out) {
      out.writeByte(kind);
      out.writeInt(key);
      body.write(out);
      out.flush();
    }
  }

  /** What a machine started stays a machine of the emulator that asked for it: none outlives it. */
  private void killAll() {
    for (Process p : live) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}

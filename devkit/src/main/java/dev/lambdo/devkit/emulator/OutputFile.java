package dev.lambdo.devkit.emulator;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * One run's stdout and stderr, which the process appends to a file (no pipe: see {@link
 * dev.lambdo.devkit.emulator.spawn.Spawner}), turned into log lines as far as it is written: when
 * someone asks for logs, and to the end once the process exited.
 */
final class OutputFile {
  private static final int CHUNK = 1 << 20;

  private final Path file;
  private final Consumer<String> lines;
  /** Bytes already turned into lines; a line still being written waits for its newline. */
  private long read;

  OutputFile(Path file, Consumer<String> lines) {
    this.file = file;
    this.lines = lines;
  }

  Path path() {
    return file;
  }

  /**
   * Hands on every complete line written since the last call; with {@code toEnd} (the process
   * exited) the last line too, newline or not.
   */
  synchronized void collect(boolean toEnd) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      while (read < size) {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(CHUNK, size - read));
        int n = channel.read(buffer, read);
        if (n <= 0) {
          break;
        }
        byte[] bytes = buffer.array();
        int lastNewline = -1;
        for (int i = n - 1; i >= 0; i--) {
          if (bytes[i] == '\n') {
            lastNewline = i;
            break;
          }
        }
        boolean last = read + n >= size;
        if (lastNewline < 0 && !(last && toEnd) && n == CHUNK) {
          // A line longer than a chunk: hand it on in pieces rather than never.
          lastNewline = n - 1;
        }
        int end = last && toEnd ? n : lastNewline + 1;
        if (end <= 0) {
          break;
        }
        split(bytes, end);
        read += end;
        if (end < n && last) {
          // What is left is a line still being written; before the last chunk it is read again
          // with the next one.
          break;
        }
      }
    } catch (NoSuchFileException e) {
      // Nothing written yet.
    }
  }

  private void split(byte[] bytes, int end) {
    int start = 0;
    for (int i = 0; i < end; i++) {
      if (bytes[i] == '\n' || i == end - 1) {
        int stop = bytes[i] == '\n' ? i : i + 1;
        if (stop > start && bytes[stop - 1] == '\r') {
          stop--;
        }
        lines.accept(new String(bytes, start, stop - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
  }

  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Best effort: the emulator's directory is temporary.
    }
  }
}

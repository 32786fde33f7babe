package dev.lambdo.send;

import dev.lambdo.cli.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Where the event comes from: the argument, a file, or stdin ('-'); exactly one of them. */
final class EventSource {
  private EventSource() {}

  static String read(String argument, Path file, InputStream stdin) {
    if (argument != null && file != null) {
      throw UserError.usage("give the event once: as an argument or with --file, not both");
    }
    if (file != null) {
      try {
        return utf8(Files.readAllBytes(file), file.toString());
      } catch (NoSuchFileException e) {
        throw UserError.usage("no such file: " + file);
      } catch (IOException e) {
        throw UserError.usage("could not read " + file + ": " + e.getMessage());
      }
    }
    if ("-".equals(argument)) {
      try {
        return utf8(stdin.readAllBytes(), "stdin");
      } catch (IOException e) {
        throw UserError.usage("could not read stdin: " + e.getMessage());
      }
    }
    if (argument == null) {
      throw UserError.usage("no event: give it as an argument, with --file FILE, or - to read stdin");
    }
    return argument;
  }

  /** JSON is UTF-8; anything else would reach the machine garbled, so it is refused here. */
  private static String utf8(byte[] bytes, String where) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw UserError.usage("the event in " + where + " is not UTF-8 text");
    }
  }
}

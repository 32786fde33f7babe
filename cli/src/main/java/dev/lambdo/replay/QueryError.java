package dev.lambdo.replay;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporal's complaint about a visibility query, in the user's terms. The server parses a query as
 * SQL after putting {@value #SERVER_PREFIX} before it, and a syntax error's position counts from
 * there; replay checks the user's query alone, so that position, less the prefix, is a character
 * of what the user typed.
 */
final class QueryError {
  static final String SERVER_PREFIX = "select * from table1 where ";
  private static final String INVALID = "invalid query: ";
  private static final Pattern POSITION = Pattern.compile("syntax error at position (\\d+)");

  private QueryError() {}

  static String describe(String query, String serverMessage) {
    String message = serverMessage.startsWith(INVALID) ? serverMessage.substring(INVALID.length()) : serverMessage;
    Matcher m = POSITION.matcher(message);
    if (!m.find()) {
      return message;
    }
    int at = Integer.parseInt(m.group(1)) - SERVER_PREFIX.length();
    if (at < 1 || at > query.length() + 1) {
      return message;
    }
    return message.substring(0, m.start()) + "syntax error at character " + at + message.substring(m.end()) + ":\n"
        + "  " + query + "\n"
        + "  " + " ".repeat(at - 1) + "^";
  }
}

package dev.lambdo.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Temporal's complaint about a query, told in the user's terms: where in what they typed. */
class QueryErrorTest {
  @Test
  void aSyntaxErrorPointsIntoTheQueryAsTyped() {
    // What the dev server (Temporal 1.32) answers for this query: 42 counts from its own SQL prefix.
    String said = QueryError.describe("WorkflowId = = 'x'",
        "invalid query: malformed SQL query: syntax error at position 42");

    assertEquals("malformed SQL query: syntax error at character 15:\n"
        + "  WorkflowId = = 'x'\n"
        + "                ^", said);
  }

  @Test
  void anotherComplaintIsPassedOnWithoutTheServersPrefix() {
    assertEquals("invalid search attribute: NoSuchAttr",
        QueryError.describe("NoSuchAttr = 'x'", "invalid query: invalid search attribute: NoSuchAttr"));
  }

  @Test
  void aPositionOutsideTheQueryIsLeftAsTheServerSaidIt() {
    assertEquals("malformed SQL query: syntax error at position 3",
        QueryError.describe("x", "invalid query: malformed SQL query: syntax error at position 3"));
  }
}

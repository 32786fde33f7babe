package dev.lambdo.runtime;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Your code: called once per event of the batch. Throw to mark the event failed; the others still
 * run. Register the class in {@code META-INF/services/dev.lambdo.runtime.EventHandler} or name it
 * in {@code LAMBDO_HANDLER}.
 */
@FunctionalInterface
public interface EventHandler {
  void handle(JsonNode event) throws Exception;
}

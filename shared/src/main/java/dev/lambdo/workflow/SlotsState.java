package dev.lambdo.workflow;

import java.util.List;

/** What the slots workflow carries across continue-as-new: who holds a slot, who waits, in order. */
public record SlotsState(int limit, List<String> holders, List<String> waiting) {
  public SlotsState {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    holders = List.copyOf(holders);
    waiting = List.copyOf(waiting);
  }

  public static SlotsState empty(int limit) {
    return new SlotsState(limit, List.of(), List.of());
  }
}

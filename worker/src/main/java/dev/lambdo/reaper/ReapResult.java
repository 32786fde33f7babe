package dev.lambdo.reaper;

import java.util.List;

/**
 * One sweep of the reaper.
 *
 * @param checked machines that named a workflow of this namespace
 * @param destroyed ids of those destroyed because their workflow was closed or gone
 */
public record ReapResult(int checked, List<String> destroyed) {
  public ReapResult {
    destroyed = List.copyOf(destroyed);
  }
}

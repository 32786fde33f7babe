package dev.lambdo.devkit.e2e;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The end of an end-to-end test class: closes what it started, apps before the servers they use. */
final class Teardown {
  private Teardown() {}

  /** Closes each in the order given; skips what never started (null, when a start failed midway). */
  static void close(List<? extends AutoCloseable> apps, AutoCloseable... servers) throws Exception {
    List<AutoCloseable> all = new ArrayList<>(apps);
    all.addAll(Arrays.asList(servers));
    for (AutoCloseable started : all) {
      if (started != null) {
        started.close();
      }
    }
  }
}

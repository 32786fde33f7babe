package dev.lambdo.pool;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** The keeper's step: every pool of the worker that runs it topped up, trimmed and counted. */
@ActivityInterface
public interface PoolUpkeep {
  List<PoolReport> keepPools();
}

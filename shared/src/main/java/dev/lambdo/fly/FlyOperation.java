package dev.lambdo.fly;

import java.util.Locale;

/** The Fly API calls Lambdo makes: the {@code operation} label of its Fly meters, a bounded set. */
enum FlyOperation {
  CREATE, GET, LIST, WAIT, EVENTS, STOP, SIGNAL, DESTROY, LOGS, APP, UPDATE, START, LEASE;

  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}

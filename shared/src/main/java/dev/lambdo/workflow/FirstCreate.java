package dev.lambdo.workflow;

/**
 * The create of a batch's first machine that its poller sent before starting it (a poller given
 * Fly's token, creates unpaced): the first attempt then runs on {@code machine}, with no create of
 * its own between the message and the machine. Absent (null in the batch) when the poller sent none.
 *
 * @param machine what Fly made; null when the create got no answer, so Fly may have made it: the
 *     attempt's create looks for it by its metadata before making one
 */
public record FirstCreate(MachineRef machine) {
  /** Sent, but no answer came back. */
  public static FirstCreate unanswered() {
    return new FirstCreate(null);
  }
}

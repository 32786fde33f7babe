package dev.lambdo.sqs;

/**
 * SQS's approximate message counts of a queue.
 *
 * @param visible waiting to be received
 * @param inFlight received and hidden: being started or run
 * @param delayed sent with a delay that has not passed
 */
public record QueueCounts(long visible, long inFlight, long delayed) {}

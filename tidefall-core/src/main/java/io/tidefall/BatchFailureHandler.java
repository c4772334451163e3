package io.tidefall;

/**
 * Receives exactly the elements that could not be delivered: a chunk that failed for good (a
 * permanent failure, its retries used up, or its {@linkplain BufferOptions#deliveryTimeout()
 * delivery deadline} passed), a table whose ordering threw, or what a close could not deliver
 * within its budget. Use it to dead-letter them.
 *
 * <p>It runs on the drain's thread (or, at a close, on the closing thread) before the drain
 * counts as finished. Different partitions call it concurrently, so it must be thread-safe. A
 * handler that throws is logged (its elements are then lost, and counted as such) and reported to
 * listeners; it is never retried and never harms the buffer.
 *
 * @param <E> the element type of the buffer
 */
@FunctionalInterface
public interface BatchFailureHandler<E> {

    void handle(FailedBatch<E> failed) throws Exception;
}

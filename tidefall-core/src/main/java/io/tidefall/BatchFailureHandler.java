package io.tidefall;

/**
 * Receives exactly the elements a drain lost: a chunk whose processor call failed (after its
 * {@linkplain BufferOptions#processingRetries() retries}), or what a drain had not processed when
 * it ran past its timeout. Use it to dead-letter them.
 *
 * <p>It runs on the drain's thread (or the thread that ended a timed-out drain) before the drain
 * counts as finished, so {@link Buffer#flush()} and {@link Buffer#close()} return after it. A
 * handler that throws is logged and reported to listeners; it is never retried and never harms
 * the buffer.
 *
 * @param <E> the element type of the buffer
 */
@FunctionalInterface
public interface BatchFailureHandler<E> {

    void handle(FailedBatch<E> failed) throws Exception;
}

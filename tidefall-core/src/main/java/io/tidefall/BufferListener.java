package io.tidefall;

import java.time.Duration;

/**
 * Hears what a buffer does, for metrics, logs and tests. Every method does nothing by default.
 *
 * <p>Callbacks run on the thread that did the work (a timer, drain or closing thread) and must
 * return quickly. A listener that throws is logged and otherwise ignored: it can never stop a
 * buffer.
 */
public interface BufferListener {

    /** Why elements of a drain went to the failure handler. */
    enum FailureReason {
        /**
         * The processor threw on the last attempt: a permanent failure (see {@link RetryPolicy}),
         * retries used up, or the {@linkplain BufferOptions#deliveryTimeout() delivery deadline}
         * passed. Also a table whose {@code ordering} threw: the processor never saw it.
         */
        EXCEPTION,
        /** The last attempt ran past {@link BufferOptions#processingTimeout()} and then failed. */
        TIMEOUT,
        /** The buffer closed with a budget that ran out before these elements were delivered. */
        SHUTDOWN
    }

    /** Whose call {@link #processingCallStarting} and {@link #processingCallEnded} surround. */
    enum Callee {
        /** The buffer's {@link BatchProcessor}. */
        PROCESSOR,
        /** The buffer's {@link BatchFailureHandler}. */
        FAILURE_HANDLER
    }

    /** The partition's timers were armed by {@link Buffer#start()}. */
    default void partitionStarted(String buffer, int partition) {
    }

    /** The partition finished its final drain during {@link Buffer#close()}. */
    default void partitionStopped(String buffer, int partition) {
    }

    /** A retired table of {@code size} elements is about to be processed. */
    default void drainStarted(String buffer, int partition, int size) {
    }

    /**
     * A drain ended, successfully or not; fires exactly once per {@link #drainStarted}.
     *
     * @param size the elements the retired table held
     * @param failed how many of them went to the failure handler (see {@link #drainFailed}); 0
     *     when every element was delivered
     * @param timedOut whether a processor call of this drain ran past the processing timeout
     * @param duration from the start of the drain to its end, retries included
     */
    default void drainCompleted(String buffer, int partition, int size, int failed, boolean timedOut,
            Duration duration) {
    }

    /**
     * {@code size} elements go to the failure handler (or, without one, are logged as lost): a
     * chunk that failed for good, or, at a close whose budget ran out, what was not delivered.
     */
    default void drainFailed(String buffer, int partition, int size, Throwable cause, FailureReason reason) {
    }

    /**
     * The {@link BatchFailureHandler} threw while handling {@code size} lost elements; it is not
     * retried.
     */
    default void failureHandlerFailed(String buffer, int partition, int size, Throwable cause) {
    }

    /**
     * A processor call that held {@code count} elements returned normally: they are delivered.
     * {@code latency} runs from the moment the table they were written to opened (or a tick last
     * found it empty) to that return: no element of the call was written before that moment, so it
     * bounds the delivery latency of each (push to processor return) from above, and equals it for
     * the oldest within about one {@code processingInterval}. Retries are part of it.
     */
    default void elementsDelivered(String buffer, int partition, long count, Duration latency) {
    }

    /** {@code count} elements were discarded before reaching a table, for {@code reason}. */
    default void elementsDropped(String buffer, int partition, long count, String reason) {
    }

    /**
     * A chunk of {@code size} elements failed with a retryable {@code cause} and will be offered
     * again after {@code backoff}; {@code attempt} is the number of the attempt that failed (1 for
     * the first). Until it succeeds or fails for good, the partition drains nothing newer.
     */
    default void chunkRetrying(String buffer, int partition, int size, int attempt, Throwable cause,
            Duration backoff) {
    }

    /**
     * Called on the thread that is about to call the processor or the failure handler, right
     * before the call; {@link #processingCallEnded} follows on the same thread right after it,
     * however it ends. A partition makes at most one such call at a time, so a listener may keep
     * state per partition between the two (a tracing scope, say).
     */
    default void processingCallStarting(String buffer, int partition, Callee callee) {
    }

    /** The call announced by {@link #processingCallStarting} returned or threw. */
    default void processingCallEnded(String buffer, int partition, Callee callee) {
    }

    /**
     * A drain gave up waiting for {@code count} queue slots whose writers threw between claiming
     * the slot and filling it: those writes did not return, so nothing was lost that was promised.
     */
    default void writesAbandoned(String buffer, int partition, long count) {
    }
}

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

    /** Why elements of a drain were lost. */
    enum FailureReason {
        /** The processor threw. */
        EXCEPTION,
        /** The drain ran past {@link BufferOptions#processingTimeout()}. */
        TIMEOUT
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
     * @param failed how many of them were not delivered by the end of the drain: lost (see
     *     {@link #drainFailed}), or, after a timeout, still with the processor (see
     *     {@link #chunkSettledLate}); 0 for a clean drain
     * @param timedOut whether the drain was cut short by its timeout
     * @param duration from the start of the drain to its end (or its timeout)
     */
    default void drainCompleted(String buffer, int partition, int size, int failed, boolean timedOut,
            Duration duration) {
    }

    /**
     * {@code size} elements were lost: a chunk whose processor call threw
     * ({@link FailureReason#EXCEPTION}), or everything a timed-out drain had not processed
     * ({@link FailureReason#TIMEOUT}).
     */
    default void drainFailed(String buffer, int partition, int size, Throwable cause, FailureReason reason) {
    }

    /**
     * A chunk that the processor had when its drain timed out came back: {@code delivered} when
     * the call returned normally. A chunk that failed is also reported to {@link #drainFailed}
     * with reason {@link FailureReason#TIMEOUT}.
     */
    default void chunkSettledLate(String buffer, int partition, int size, boolean delivered) {
    }

    /**
     * The {@link BatchFailureHandler} threw while handling {@code size} lost elements; it is not
     * retried.
     */
    default void failureHandlerFailed(String buffer, int partition, int size, Throwable cause) {
    }

    /** {@code count} elements were discarded before reaching a table, for {@code reason}. */
    default void elementsDropped(String buffer, int partition, long count, String reason) {
    }
}

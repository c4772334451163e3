package io.tidefall.spring.sink;

import org.jspecify.annotations.Nullable;

import io.tidefall.BatchProcessor;

/**
 * A processor the starter builds from configuration. It is bound to its buffer as a processor bean
 * is; in addition, it may say how its own failures are classified, which the buffer asks before
 * the application's {@link io.tidefall.RetryPolicy}.
 */
public interface Sink extends BatchProcessor<Object> {

    /**
     * Whether a chunk that failed with {@code failure} is worth sending again: {@code true} or
     * {@code false} when this sink knows, {@code null} to leave it to the application's retry policy.
     * Must be quick and must not throw.
     */
    default @Nullable Boolean isRetryable(Throwable failure) {
        return null;
    }
}

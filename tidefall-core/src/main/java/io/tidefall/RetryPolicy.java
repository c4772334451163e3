package io.tidefall;

import java.util.List;
import java.util.Objects;

/**
 * Decides, for a processor failure, whether the chunk is worth offering again. A retryable
 * failure is retried with backoff until {@link BufferOptions#deliveryTimeout()}; a permanent one
 * is narrowed down at once (the chunk is split and the halves tried again) so that only the
 * elements it fails on reach the failure handler.
 *
 * <p>Called on the drain's thread; it must be quick and must not throw (if it does, the failure
 * counts as permanent).
 */
@FunctionalInterface
public interface RetryPolicy {

    /** Whether {@code failure}, thrown by the processor (or a timeout of its call), may pass if tried again. */
    boolean isRetryable(Throwable failure);

    /**
     * Retries everything but {@link Error}s: a processor that runs out of memory or stack will not
     * do better on the same chunk. A call that ran past its timeout is retryable.
     */
    static RetryPolicy defaults() {
        return failure -> !(failure instanceof Error);
    }

    /**
     * {@link #defaults()}, except that a failure of one of {@code permanent}'s types (or caused
     * by one) is not retried.
     */
    @SafeVarargs
    static RetryPolicy nonRetryable(Class<? extends Throwable>... permanent) {
        List<Class<? extends Throwable>> types = List.of(permanent);
        types.forEach(type -> Objects.requireNonNull(type, "permanent failure types must not contain null"));
        return failure -> {
            for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
                for (Class<? extends Throwable> type : types) {
                    if (type.isInstance(cause)) {
                        return false;
                    }
                }
            }
            return defaults().isRetryable(failure);
        };
    }
}

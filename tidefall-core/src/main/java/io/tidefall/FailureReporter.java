package io.tidefall;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where the elements a drain could not deliver go: to the failure handler, to the listeners, and
 * to the log, in that one place. Never throws: whatever the failure handler throws is logged,
 * counted as lost and reported to listeners.
 *
 * @param <E> the element type of the buffer
 */
final class FailureReporter<E> {

    private final String buffer;
    private final @Nullable BatchFailureHandler<E> handler;
    private final BufferListener listeners;
    private final FailureLog log;

    FailureReporter(String buffer, @Nullable BatchFailureHandler<E> handler, BufferListener listeners, FailureLog log) {
        this.buffer = buffer;
        this.handler = handler;
        this.listeners = listeners;
        this.log = log;
    }

    /**
     * Hands {@code failed} over, on the calling thread.
     *
     * @return whether a failure handler took them (returned normally); {@code false} when they are lost
     */
    boolean report(int partition, List<E> failed, Throwable cause, BufferListener.FailureReason reason) {
        String why = describe(reason, cause);
        listeners.drainFailed(buffer, partition, failed.size(), cause, reason);
        if (handler == null) {
            log.count(FailureLog.Kind.LOST, partition, failed.size(), why + " (no failure handler)", cause);
            return false;
        }
        listeners.processingCallStarting(buffer, partition, BufferListener.Callee.FAILURE_HANDLER);
        try {
            handler.handle(new FailedBatch<>(buffer, partition, failed, cause));
        } catch (Throwable handlerFailure) {
            log.count(FailureLog.Kind.LOST, partition, failed.size(),
                    why + ", and the failure handler threw " + handlerFailure, cause);
            listeners.failureHandlerFailed(buffer, partition, failed.size(), handlerFailure);
            return false;
        } finally {
            listeners.processingCallEnded(buffer, partition, BufferListener.Callee.FAILURE_HANDLER);
        }
        log.count(FailureLog.Kind.FAILED, partition, failed.size(), why, cause);
        return true;
    }

    /**
     * Counts the elements of a chunk that failed and will be offered again, each once however
     * often it is retried ({@code firstRetries}: those failing for the first time).
     */
    void retrying(int partition, int firstRetries, int attempt, Throwable cause) {
        log.count(FailureLog.Kind.RETRIED, partition, firstRetries, "attempt " + attempt + " failed with " + cause, null);
    }

    /** Writes the lines the last interval still holds. */
    void close() {
        log.close();
    }

    private static String describe(BufferListener.FailureReason reason, Throwable cause) {
        return switch (reason) {
            case TIMEOUT -> "processor call timed out: " + cause;
            case SHUTDOWN -> "not delivered within the close budget";
            case EXCEPTION -> "processor failed: " + cause;
        };
    }
}

package io.tidefall;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of one buffer, behind one {@link BufferListener}: each event goes to every
 * listener, and a listener that throws is logged and skipped, never propagated into the engine.
 */
final class Listeners implements BufferListener {

    private final List<BufferListener> listeners = new CopyOnWriteArrayList<>();
    private final System.Logger log;

    Listeners(System.Logger log) {
        this.log = log;
    }

    void add(BufferListener listener) {
        listeners.add(listener);
    }

    void remove(BufferListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void partitionStarted(String buffer, int partition) {
        each(l -> l.partitionStarted(buffer, partition));
    }

    @Override
    public void partitionStopped(String buffer, int partition) {
        each(l -> l.partitionStopped(buffer, partition));
    }

    @Override
    public void drainStarted(String buffer, int partition, int size) {
        each(l -> l.drainStarted(buffer, partition, size));
    }

    @Override
    public void drainCompleted(String buffer, int partition, int size, int failed, boolean timedOut,
            Duration duration) {
        each(l -> l.drainCompleted(buffer, partition, size, failed, timedOut, duration));
    }

    @Override
    public void drainFailed(String buffer, int partition, int size, Throwable cause, FailureReason reason) {
        each(l -> l.drainFailed(buffer, partition, size, cause, reason));
    }

    @Override
    public void failureHandlerFailed(String buffer, int partition, int size, Throwable cause) {
        each(l -> l.failureHandlerFailed(buffer, partition, size, cause));
    }

    @Override
    public void elementsDelivered(String buffer, int partition, long count, Duration latency) {
        each(l -> l.elementsDelivered(buffer, partition, count, latency));
    }

    @Override
    public void elementsDropped(String buffer, int partition, long count, String reason) {
        each(l -> l.elementsDropped(buffer, partition, count, reason));
    }

    @Override
    public void chunkRetrying(String buffer, int partition, int size, int attempt, Throwable cause, Duration backoff) {
        each(l -> l.chunkRetrying(buffer, partition, size, attempt, cause, backoff));
    }

    @Override
    public void processingCallStarting(String buffer, int partition, Callee callee) {
        each(l -> l.processingCallStarting(buffer, partition, callee));
    }

    @Override
    public void processingCallEnded(String buffer, int partition, Callee callee) {
        each(l -> l.processingCallEnded(buffer, partition, callee));
    }

    @Override
    public void writesAbandoned(String buffer, int partition, long count) {
        each(l -> l.writesAbandoned(buffer, partition, count));
    }

    /**
     * Tells every listener; whatever one throws, {@code Error}s included, is logged and the next
     * one is told: the engine's bookkeeping after an event (counting a drain down, freeing the
     * partition) must happen whatever a listener does.
     */
    private void each(Consumer<BufferListener> event) {
        for (BufferListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (Throwable failure) {
                try {
                    log.log(System.Logger.Level.WARNING, "BufferListener " + listener + " threw; ignored", failure);
                } catch (Throwable logFailed) {
                    // Nothing left to tell: a listener that overflowed the stack may leave none for logging.
                }
            }
        }
    }
}

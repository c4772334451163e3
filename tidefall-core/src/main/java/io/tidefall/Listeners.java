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
    public void chunkSettledLate(String buffer, int partition, int size, boolean delivered) {
        each(l -> l.chunkSettledLate(buffer, partition, size, delivered));
    }

    @Override
    public void failureHandlerFailed(String buffer, int partition, int size, Throwable cause) {
        each(l -> l.failureHandlerFailed(buffer, partition, size, cause));
    }

    @Override
    public void elementsDropped(String buffer, int partition, long count, String reason) {
        each(l -> l.elementsDropped(buffer, partition, count, reason));
    }

    private void each(Consumer<BufferListener> event) {
        for (BufferListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException | LinkageError failure) {
                log.log(System.Logger.Level.WARNING, "BufferListener " + listener + " threw; ignored", failure);
            }
        }
    }
}

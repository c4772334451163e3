package io.tidefall;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes every event down as a line, for assertions on what happened and in which order. */
final class RecordingListener implements BufferListener {

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Throwable> causes = new CopyOnWriteArrayList<>();

    @Override
    public void partitionStarted(String buffer, int partition) {
        events.add("started " + buffer + "/" + partition);
    }

    @Override
    public void partitionStopped(String buffer, int partition) {
        events.add("stopped " + buffer + "/" + partition);
    }

    @Override
    public void drainStarted(String buffer, int partition, int size) {
        events.add("drain " + partition + " size " + size);
    }

    @Override
    public void drainCompleted(String buffer, int partition, int size, int failed, boolean timedOut, Duration duration) {
        events.add("completed " + partition + " size " + size + " failed " + failed + (timedOut ? " timed out" : ""));
    }

    @Override
    public void drainFailed(String buffer, int partition, int size, Throwable cause, FailureReason reason) {
        events.add("failed " + partition + " size " + size + " " + reason);
        causes.add(cause);
    }

    List<String> drainEvents() {
        return events.stream().filter(e -> !e.startsWith("started") && !e.startsWith("stopped")).toList();
    }
}

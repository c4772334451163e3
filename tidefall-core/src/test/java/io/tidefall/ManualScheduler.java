package io.tidefall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A scheduler whose clock moves only when the test says so: {@link #advance(Duration)} runs, in
 * time order, every task that falls due. Deterministic timing without sleeping. It is a
 * {@link Ticker} too: a buffer given it as its ticker computes every duration on the same clock.
 */
final class ManualScheduler implements Scheduler, Ticker {

    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private long sequence;

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task scheduled = new Task(now + delay.toNanos(), sequence++, delay, task);
        tasks.add(scheduled);
        return () -> {
            synchronized (this) {
                tasks.remove(scheduled);
            }
        };
    }

    @Override
    public synchronized long read() {
        return now;
    }

    /** Moves the clock forward, running each task that falls due on the calling thread. */
    void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = now + duration.toNanos();
        }
        for (;;) {
            Task next;
            synchronized (this) {
                next = tasks.stream()
                        .filter(task -> task.due <= target)
                        .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::sequence))
                        .orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                tasks.remove(next);
                now = next.due;
            }
            next.task.run();
        }
    }

    /** The delays of the tasks waiting to run, in the order they were scheduled. */
    synchronized List<Duration> pendingDelays() {
        return tasks.stream().map(Task::delay).toList();
    }

    private record Task(long due, long sequence, Duration delay, Runnable task) {
    }
}

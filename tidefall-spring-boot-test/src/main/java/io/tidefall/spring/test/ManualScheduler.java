package io.tidefall.spring.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import io.tidefall.Scheduler;

/**
 * A scheduler whose clock moves only when the test says so. Declared as a bean (for instance with
 * {@code @Import(ManualScheduler.class)} on the test class), it runs the ticks, drain checks and
 * timeouts of every buffer the starter configures: nothing drains on its own, and
 * {@link #advance(Duration)} runs, in time order and on the calling thread, every timer that falls
 * due. A tick hands its drain to the executor as usual; call
 * {@code TidefallBuffers.flushAll()} afterwards to wait for it.
 *
 * <p>Thread-safe: timers are scheduled from drain and writer threads while the test advances.
 * Every field is guarded by {@code this}; tasks run outside the lock, so a task may schedule the
 * next one.
 */
public class ManualScheduler implements Scheduler {

    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private long sequence;

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        Task scheduled = new Task(this.now + delay.toNanos(), this.sequence++, delay, task);
        this.tasks.add(scheduled);
        return () -> {
            synchronized (this) {
                this.tasks.remove(scheduled);
            }
        };
    }

    /**
     * Moves the clock forward by {@code duration}, running each timer that falls due (including
     * those the timers themselves arm meanwhile, such as the next tick) before returning.
     */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, but was " + duration);
        }
        long target;
        synchronized (this) {
            target = this.now + duration.toNanos();
        }
        for (;;) {
            Task next;
            synchronized (this) {
                next = this.tasks.stream()
                        .filter(task -> task.due <= target)
                        .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::sequence))
                        .orElse(null);
                if (next == null) {
                    this.now = target;
                    return;
                }
                this.tasks.remove(next);
                this.now = next.due;
            }
            next.task.run();
        }
    }

    /** How far the clock has moved since this scheduler was created. */
    public synchronized Duration elapsed() {
        return Duration.ofNanos(this.now);
    }

    /** The delays of the timers waiting to run, in the order they were scheduled. */
    public synchronized List<Duration> pendingDelays() {
        return this.tasks.stream().map(Task::delay).toList();
    }

    private record Task(long due, long sequence, Duration delay, Runnable task) {
    }
}

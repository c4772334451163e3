package io.tidefall;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * One of a partition's two timers (its tick, its drain check): whether and when it fires is
 * decided under the partition's lock, and the scheduler (user code, which may block or throw) is
 * called only after the lock is released.
 *
 * <p>Concurrency: {@code generation} and {@code scheduled} are guarded by the partition's lock,
 * which this timer shares. Each {@link #plan} takes a new generation; an {@link Arming} keeps the
 * scheduler's answer only if its generation is still the current one when the answer comes, so a
 * later decision always wins over an earlier one, whichever reaches the scheduler first. A
 * stopping partition plans "none" for both timers under its lock: that outdates every arming made
 * before, and no later one is planned, so nothing stays armed on a stopped partition.
 */
final class PartitionTimer {

    private final BufferContext<?> context;
    private final int partition;
    private final Object lock;
    private final Runnable task;

    // Guarded by lock.
    private long generation;
    private Scheduler.@Nullable Cancellable scheduled;

    /**
     * @param lock the partition's lock, under which {@link #plan} and {@link #idle} are called
     * @param task what the timer runs on the scheduler's thread
     */
    PartitionTimer(BufferContext<?> context, int partition, Object lock, Runnable task) {
        this.context = context;
        this.partition = partition;
        this.lock = lock;
        this.task = task;
    }

    /** Forgets the current arming and plans a new one ({@code delay} null: none). Caller holds {@code lock}. */
    Arming plan(@Nullable Duration delay) {
        Scheduler.Cancellable previous = scheduled;
        scheduled = null;
        return new Arming(++generation, delay, previous);
    }

    /** Whether no timer is armed (the last arming was refused, or none was asked for). Caller holds {@code lock}. */
    boolean idle() {
        return scheduled == null;
    }

    /** Carries out {@code arming}, if there is one; called without the lock. */
    static void perform(@Nullable Arming arming) {
        if (arming != null) {
            arming.perform();
        }
    }

    /** A timer decision to carry out without the lock. */
    final class Arming {
        private final long generation;
        private final @Nullable Duration delay;
        private final Scheduler.@Nullable Cancellable previous;

        private Arming(long generation, @Nullable Duration delay, Scheduler.@Nullable Cancellable previous) {
            this.generation = generation;
            this.delay = delay;
            this.previous = previous;
        }

        void perform() {
            context.cancelQuietly(previous, partition);
            if (delay == null) {
                return;
            }
            // Refused (the application is shutting down its scheduler): nothing is armed. The next drain,
            // flush or full writer re-arms it; close() drains what is left in any case.
            Scheduler.@Nullable Cancellable armed = context.schedule(delay, task);
            boolean current;
            synchronized (lock) {
                current = PartitionTimer.this.generation == generation;
                if (current) {
                    scheduled = armed;
                }
            }
            if (!current) {
                context.cancelQuietly(armed, partition);
            }
        }
    }
}

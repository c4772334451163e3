package io.tidefall;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task once after a delay: the only thing a buffer needs from a timer. Partitions re-arm
 * it after every tick, so a fixed-rate facility is not required.
 *
 * <p>Plain Java uses {@link #of(ScheduledExecutorService)} (or lets the buffer create one); the
 * Spring Boot starter adapts Spring's {@code TaskScheduler}.
 */
@FunctionalInterface
public interface Scheduler {

    /**
     * Runs {@code task} once, {@code delay} from now, on a thread of the scheduler's choice.
     *
     * @throws java.util.concurrent.RejectedExecutionException when the scheduler is shut down
     */
    Cancellable schedule(Duration delay, Runnable task);

    /** A scheduled task that has not necessarily run yet. */
    @FunctionalInterface
    interface Cancellable {
        /** Prevents the task from running if it has not started; never interrupts it. */
        void cancel();
    }

    /** Schedules on {@code executor}; the caller keeps owning it and shuts it down. */
    static Scheduler of(ScheduledExecutorService executor) {
        Objects.requireNonNull(executor, "executor must not be null");
        return (delay, task) -> {
            ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> future.cancel(false);
        };
    }
}

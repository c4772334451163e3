package io.tidefall.spring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

import org.springframework.scheduling.TaskScheduler;

import io.tidefall.Scheduler;

/**
 * Runs a buffer's timers on a Spring {@link TaskScheduler}, and on {@code fallback} once that one
 * refuses them. The application's schedulers refuse new tasks as soon as the context starts
 * closing (Spring 6.1+), while the web server's graceful shutdown still lets requests write to
 * the buffers: their ticks go on, on the fallback, until the buffers close. One shared fallback
 * thread serves every buffer here, where the engine's own answer to a refusal would be a thread
 * per timer. Should the fallback refuse too (it is shut down after the buffers have closed), the
 * {@code RejectedExecutionException} reaches the engine, which then keeps the timer on a thread of
 * its own.
 */
final class SpringTaskScheduler implements Scheduler {

    private final TaskScheduler taskScheduler;
    private final Supplier<Scheduler> fallback;

    /**
     * @param fallback the scheduler that takes the timers {@code taskScheduler} refuses, asked
     *     for only when it is needed
     */
    SpringTaskScheduler(TaskScheduler taskScheduler, Supplier<Scheduler> fallback) {
        this.taskScheduler = taskScheduler;
        this.fallback = fallback;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future;
        try {
            future = this.taskScheduler.schedule(task, this.taskScheduler.getClock().instant().plus(delay));
        } catch (RejectedExecutionException refused) {
            return this.fallback.get().schedule(delay, task);
        }
        return () -> future.cancel(false);
    }

    TaskScheduler taskScheduler() {
        return this.taskScheduler;
    }

    @Override
    public String toString() {
        return "SpringTaskScheduler[" + this.taskScheduler + "]";
    }
}

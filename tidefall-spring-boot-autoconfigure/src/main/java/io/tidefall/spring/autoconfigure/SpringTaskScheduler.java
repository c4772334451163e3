package io.tidefall.spring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;

import org.springframework.scheduling.TaskScheduler;

import io.tidefall.Scheduler;

/**
 * Runs a buffer's timers on a Spring {@link TaskScheduler}. A scheduler that is shutting down
 * throws {@code TaskRejectedException}, a {@code RejectedExecutionException}, which the engine
 * expects: it then stops arming timers and its waiters enforce timeouts themselves.
 */
final class SpringTaskScheduler implements Scheduler {

    private final TaskScheduler taskScheduler;

    SpringTaskScheduler(TaskScheduler taskScheduler) {
        this.taskScheduler = taskScheduler;
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = this.taskScheduler.schedule(task, this.taskScheduler.getClock().instant().plus(delay));
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

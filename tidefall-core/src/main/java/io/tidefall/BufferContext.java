package io.tidefall;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * What a partition and its drains need from their buffer, fixed when the buffer is built and
 * handed down once, so that neither reaches back into the buffer. Immutable; every part is
 * thread-safe.
 *
 * @param name the buffer's name, for messages and events
 * @param processor the user's processor
 * @param arrangement turns each drained table into what the processor receives (push order, or sorted)
 * @param retryPolicy decides which processor failures are retried
 * @param failures where undelivered elements go
 * @param listeners every listener of the buffer, behind one
 * @param executor runs drains
 * @param scheduler runs ticks, drain checks, call timeouts and retry pauses
 * @param threads makes the threads the buffer starts itself
 * @param options the options in force now (they change at runtime)
 * @param log the engine's logger
 * @param <E> the element type the processor receives
 */
record BufferContext<E>(
        String name,
        BatchProcessor<E> processor,
        Arrangement<E> arrangement,
        RetryPolicy retryPolicy,
        FailureReporter<E> failures,
        Listeners listeners,
        Executor executor,
        Scheduler scheduler,
        Threads threads,
        Supplier<BufferOptions> options,
        System.Logger log) {

    /**
     * Runs {@code drain} on the executor, or on a thread of its own when the executor refuses it
     * (or throws anything else: it is user code): a retired table is never stranded.
     */
    void submit(Runnable drain, int partition) {
        try {
            executor.execute(drain);
        } catch (Throwable refused) { // RejectedExecutionException, usually: the application is shutting down
            log.log(System.Logger.Level.DEBUG, "Buffer ''{0}'' partition {1}: the executor refused a drain ({2}); "
                    + "running it on a thread of its own", name, partition, refused);
            threads.start("drain", drain);
        }
    }

    /**
     * Schedules {@code task}; returns {@code null} when the scheduler refuses (it is shutting down,
     * or it threw: it is user code), so that the caller falls back on what it can do without it.
     */
    Scheduler.@Nullable Cancellable schedule(Duration delay, Runnable task) {
        try {
            return scheduler.schedule(delay, task);
        } catch (Throwable refused) {
            log.log(System.Logger.Level.DEBUG, "Buffer ''{0}'': the scheduler refused a timer ({1})", name, refused);
            return null;
        }
    }

    /**
     * Cancels a timer {@link #schedule} armed ({@code null}: none); whatever the scheduler's code
     * throws is logged, never a reason to stop.
     */
    void cancelQuietly(Scheduler.@Nullable Cancellable timer, int partition) {
        if (timer == null) {
            return;
        }
        try {
            timer.cancel();
        } catch (Throwable failed) {
            log.log(System.Logger.Level.DEBUG, "Buffer ''{0}'' partition {1}: cancelling a timer threw {2}",
                    name, partition, failed);
        }
    }
}

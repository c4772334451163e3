package io.tidefall;

import java.io.UncheckedIOException;
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
 * @param deliveryOrder turns each drained table into what the processor receives (push order, or sorted)
 * @param retryPolicy decides which processor failures are retried
 * @param failures where undelivered elements go
 * @param listeners every listener of the buffer, behind one
 * @param executor runs drains
 * @param scheduler runs ticks, drain checks, call timeouts and retry pauses
 * @param threads makes the threads the buffer starts itself
 * @param ticker the engine's clock: every duration the engine computes with is read from it
 * @param options the options in force now (they change at runtime)
 * @param log the engine's logger
 * @param journal the write-ahead journal of a durable buffer; {@code null} for {@link Durability#MEMORY}
 * @param <E> the element type the processor receives
 */
record BufferContext<E>(
        String name,
        BatchProcessor<E> processor,
        DeliveryOrder<E> deliveryOrder,
        RetryPolicy retryPolicy,
        FailureReporter<E> failures,
        Listeners listeners,
        Executor executor,
        Scheduler scheduler,
        OwnThreads threads,
        Ticker ticker,
        Supplier<BufferOptions> options,
        System.Logger log,
        @Nullable Journal journal) {

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
     * Schedules {@code task}. When the scheduler refuses (it is shutting down, or it threw: it is
     * user code), a thread of the buffer's own keeps the time instead, so that one refusal never
     * leaves a partition without ticks or a call without its timeout. Returns {@code null} only
     * when no thread can be made either; the caller then falls back on what it can do without a
     * timer.
     */
    Scheduler.@Nullable Cancellable schedule(Duration delay, Runnable task) {
        try {
            return scheduler.schedule(delay, task);
        } catch (Throwable refused) {
            log.log(System.Logger.Level.DEBUG, "Buffer ''{0}'': the scheduler refused a timer ({1}); a thread of the "
                    + "buffer's own keeps it", name, refused);
        }
        try {
            return threads.later("timer", delay, task);
        } catch (Throwable noThread) {
            log.log(System.Logger.Level.WARNING, "Buffer ''{0}'': the scheduler refused a timer and no thread could be "
                    + "made for it ({1})", name, noThread);
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

    /** {@code table}, with a journal segment of its own when the buffer is durable (a partition's first table). */
    <W extends WriteTable<?>> W withSegment(W table) {
        if (journal != null) {
            table.journalTo(journal.openSegment(false));
        }
        return table;
    }

    /**
     * {@link #withSegment} for a swap, which takes a segment made ahead of need when one is ready;
     * or {@code null} when no segment can be made now (a full disk), which is logged.
     */
    <W extends WriteTable<?>> @Nullable W withSegmentOrNull(W table, int partition) {
        try {
            if (journal != null) {
                table.journalTo(journal.openSegment(true));
            }
            return table;
        } catch (UncheckedIOException noSegment) {
            log.log(System.Logger.Level.ERROR, "Buffer ''{0}'' partition {1} keeps its write table for now: {2}",
                    name, partition, noSegment.getMessage());
            return null;
        }
    }

    /** Every element of {@code table} was delivered or handed over: its journal segment goes. */
    void settled(WriteTable<?> table) {
        JournalSegment segment = table.journalSegment();
        if (journal != null && segment != null) {
            journal.settled(segment);
        }
    }
}

package io.tidefall;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * What one partition's drains and writers have done, counted for {@link PartitionStats} and told
 * to listeners (and, for abandoned writes, the log) as it happens. The partition owns it and hands
 * it to each of its drains, which report here rather than to the partition.
 *
 * <p>Concurrency: each counter is written by drain threads (and, for drops, writers) and read by
 * anyone, each on its own: a {@link #stats} snapshot is not atomic across counters.
 */
final class PartitionCounters {

    private final BufferContext<?> context;
    private final int partition;

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong drains = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private volatile @Nullable Instant lastDrainAt;
    private volatile @Nullable Duration lastDrainDuration;
    /**
     * When the table of the drain in flight opened (the buffer's ticker), for
     * {@link BufferListener#elementsDelivered}: written by the partition, under its lock, before it
     * hands that drain to a thread; read by the drain's thread. A partition has one drain in flight
     * at a time, and a drain the close gave up on settles nothing when its call returns late.
     */
    private volatile long drainingTableOpenedNanos;

    PartitionCounters(BufferContext<?> context, int partition) {
        this.context = context;
        this.partition = partition;
        this.drainingTableOpenedNanos = context.ticker().read();
    }

    /** The partition counted here. */
    int partition() {
        return partition;
    }

    /** Elements delivered so far. */
    long delivered() {
        return delivered.get();
    }

    /** Elements failed so far (handed to the failure handler, or lost). */
    long failed() {
        return failed.get();
    }

    void drainStarted(int size) {
        context.listeners().drainStarted(context.name(), partition, size);
    }

    /** The next drain's table opened at {@code openedNanos}; called before that drain starts. */
    void draining(long openedNanos) {
        drainingTableOpenedNanos = openedNanos;
    }

    /** Called by the drain in flight right after a processor call returned ({@code deliveredNow}) or a chunk failed. */
    void settled(long deliveredNow, long failedNow) {
        if (deliveredNow > 0) {
            delivered.addAndGet(deliveredNow);
            context.listeners().elementsDelivered(context.name(), partition, deliveredNow,
                    Duration.ofNanos(context.ticker().read() - drainingTableOpenedNanos));
        }
        if (failedNow > 0) {
            failed.addAndGet(failedNow);
        }
    }

    /** A chunk of {@code size} elements failed and will be offered again; {@code firstRetries} of them failed for the first time. */
    void retrying(int size, int firstRetries, int attempt, Throwable cause, Duration backoff) {
        retried.addAndGet(size);
        context.failures().retrying(partition, firstRetries, attempt, cause);
        context.listeners().chunkRetrying(context.name(), partition, size, attempt, cause, backoff);
    }

    void writesAbandoned(long count) {
        abandoned.addAndGet(count);
        context.log().log(System.Logger.Level.WARNING, "Buffer ''{0}'' partition {1}: the drain skipped {2} write(s) "
                + "whose writers threw, or were told so, before their write was complete", context.name(), partition, count);
        context.listeners().writesAbandoned(context.name(), partition, count);
    }

    /** A drain of {@code size} elements ended ({@code size} 0: the table was empty, nothing to tell). */
    void drainCompleted(int size, int lost, boolean timedOut, Duration took) {
        if (size > 0) {
            drains.incrementAndGet();
            lastDrainDuration = took;
            lastDrainAt = Instant.now();
            context.listeners().drainCompleted(context.name(), partition, size, lost, timedOut, took);
        }
    }

    void dropped(long count, String reason) {
        dropped.addAndGet(count);
        context.listeners().elementsDropped(context.name(), partition, count, reason);
    }

    /** These counters, with what the partition knows of its table and its drain in flight. */
    PartitionStats stats(long size, boolean draining, long drainingSize, boolean stuck, long retryingSinceMillis,
            @Nullable Throwable retryCause) {
        return new PartitionStats(partition, size, draining, stuck, delivered.get(), failed.get(), dropped.get(),
                drains.get(), lastDrainAt, lastDrainDuration,
                retryingSinceMillis == 0 ? null : Instant.ofEpochMilli(retryingSinceMillis), retryCause,
                retried.get(), abandoned.get(), drainingSize);
    }
}

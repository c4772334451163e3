package io.tidefall;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * One lane of a buffer: owns the lifecycle of its tables (allocate, swap, hand off to a drain,
 * tear down) and knows nothing about their shape.
 *
 * <p>Concurrency:
 * <ul>
 *   <li>{@code table} is read by every writer (volatile) and written only under {@code lock},
 *       by a swap. A swap installs the fresh table <em>before</em> the retired one is sealed (the
 *       drain seals it, on the drain thread), so a writer that finds its table sealed always
 *       finds a fresh one when it reads {@code table} again: the seal happens after the store of
 *       the fresh table, and the writer's observation of the seal happens after the seal.
 *   <li>{@code lock} serialises the control plane: ticks, drain checks, flushes, option updates
 *       and close. It guards {@code inFlight}, the timers and {@code stopped}. Writers never take
 *       it; drains take it once, to free the partition.
 *   <li>At most one drain per partition is in flight, so the processor sees a partition's
 *       tables one at a time, in swap order.
 *   <li>The counters are written by drain threads and read by anyone, each on its own.
 * </ul>
 */
final class Partition<E, W extends WriteTable<E>> {

    private final PartitionedBuffer<E, W> buffer;
    private final int index;
    /** Makes a fresh table, sized for about as many elements as the one it replaces held. */
    private final LongFunction<W> tables;
    private final Object lock = new Object();

    private volatile W table;

    // Guarded by lock.
    private Drain<E> inFlight;
    private Scheduler.Cancellable tickTimer;
    private Scheduler.Cancellable checkTimer;
    private boolean running;
    private boolean stopped;
    /** A full writer asked for a drain while one was in flight: drain again as soon as it ends. */
    private boolean drainRequested;
    /**
     * The last drain that timed out. Until its processor call returns (it may ignore the
     * interrupt, or never return), its thread still holds the retired table, so ticks, drain
     * checks and full writers start no new drain: one stuck processor costs one table, not one
     * per interval. See {@link #canDrain()}.
     */
    private Drain<E> overdue;

    private final AtomicLong drained = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong drains = new AtomicLong();
    private volatile Instant lastDrainAt;
    private volatile Duration lastDrainDuration;

    Partition(PartitionedBuffer<E, W> buffer, int index, LongFunction<W> tables) {
        this.buffer = buffer;
        this.index = index;
        this.tables = tables;
        this.table = tables.apply(0);
    }

    /** The write table now; writers retry here when the one they had turns out sealed. */
    W table() {
        return table;
    }

    int index() {
        return index;
    }

    String bufferName() {
        return buffer.name();
    }

    long size() {
        return table.size();
    }

    // ---- control plane: timers ------------------------------------------------------------

    void start() {
        synchronized (lock) {
            if (running || stopped) {
                return;
            }
            running = true;
            armTick();
            armCheck();
        }
        buffer.listeners().partitionStarted(buffer.name(), index);
    }

    /** Re-arms the timers whose options changed, so that a new interval applies at once. */
    void optionsChanged(BufferOptions before, BufferOptions after) {
        synchronized (lock) {
            if (!running) {
                return;
            }
            if (!before.processingInterval().equals(after.processingInterval())) {
                armTick();
            }
            if (!before.drainCheckInterval().equals(after.drainCheckInterval())
                    || before.hasDrainThreshold() != after.hasDrainThreshold()) {
                armCheck();
            }
        }
    }

    private void tick() {
        synchronized (lock) {
            if (!running) {
                return;
            }
            if (canDrain() && table.size() > 0) {
                swap();
            }
            armTick(); // skipped or not, the next tick comes one interval later
        }
    }

    private void check() {
        synchronized (lock) {
            if (!running) {
                return;
            }
            Long threshold = buffer.options().drainThreshold();
            if (threshold != null && canDrain() && table.size() >= threshold) {
                swap();
                armTick(); // an early drain resets the interval
            }
            armCheck();
        }
    }

    private void armTick() {
        tickTimer = rearm(tickTimer, buffer.options().processingInterval(), this::tick);
    }

    private void armCheck() {
        BufferOptions options = buffer.options();
        checkTimer = rearm(checkTimer, options.hasDrainThreshold() ? options.drainCheckInterval() : null, this::check);
    }

    private Scheduler.Cancellable rearm(Scheduler.Cancellable previous, Duration delay, Runnable task) {
        if (previous != null) {
            previous.cancel();
        }
        if (delay == null) {
            return null;
        }
        try {
            return buffer.scheduler().schedule(delay, task);
        } catch (RejectedExecutionException shuttingDown) {
            // The application is shutting down its scheduler; close() drains what is left.
            buffer.log().log(System.Logger.Level.DEBUG, "Buffer ''{0}'' partition {1}: scheduler refused a timer",
                    buffer.name(), index);
            return null;
        }
    }

    // ---- control plane: swaps -------------------------------------------------------------

    /** Swaps and submits the retired table. Caller holds {@code lock}; no drain is in flight. */
    private Drain<E> swap() {
        W retired = table;
        table = tables.apply(retired.size());
        Drain<E> drain = new Drain<>(this, retired, buffer.options());
        inFlight = drain;
        try {
            buffer.executor().execute(drain);
        } catch (RuntimeException refused) { // RejectedExecutionException, usually: the application is shutting down
            startThread(buffer.name() + "-" + index + "-drain", drain);
        }
        return drain;
    }

    /**
     * Whether a timer (or a full writer) may start a drain now: none in flight, and no timed-out
     * processor call still running. Caller holds {@code lock}. {@code flush()} and {@code close()}
     * do not ask: they drain when told to, each bounded by the timeout.
     */
    private boolean canDrain() {
        return inFlight == null && (overdue == null || overdue.hasReturned());
    }

    /**
     * Asked by a writer that found the table at capacity: drains at once, without waiting for the
     * tick, or as soon as the drain in flight ends. Only while running: before start() writes are
     * kept, not drained.
     */
    void requestDrain() {
        synchronized (lock) {
            if (!running) {
                return;
            }
            if (!canDrain()) {
                drainRequested = true;
            } else if (table.size() > 0) {
                swap();
                armTick();
            }
        }
    }

    /**
     * Drains this partition now: waits for a drain in flight, then swaps if the table is not
     * empty and waits for that drain too.
     */
    void flush() {
        Drain<E> previous;
        synchronized (lock) {
            previous = inFlight;
        }
        if (previous != null) {
            previous.await();
        }
        Drain<E> mine;
        synchronized (lock) {
            // A drain started after our first look swapped after flush() began: waiting for it suffices.
            mine = inFlight != null ? inFlight : table.size() > 0 ? swap() : null;
        }
        if (mine != null) {
            mine.await();
        }
    }

    /**
     * First half of close: stops the timers and installs a table that is sealed from the start,
     * so that every later write is refused. Returns the table it retired, which still accepts
     * the writes already under way until its final drain seals it.
     */
    W retireForClose() {
        W terminal = tables.apply(0);
        terminal.seal();
        synchronized (lock) {
            running = false;
            stopped = true;
            if (tickTimer != null) {
                tickTimer.cancel();
            }
            if (checkTimer != null) {
                checkTimer.cancel();
            }
            tickTimer = null;
            checkTimer = null;
            W retired = table;
            table = terminal;
            return retired;
        }
    }

    /**
     * Second half of close: waits for the drain in flight (so the processor still sees this
     * partition's tables one at a time, in order), then drains {@code retired} on a thread of its
     * own: shared executors may already refuse work during shutdown.
     */
    Drain<E> startFinalDrain(W retired) {
        for (;;) {
            Drain<E> previous;
            synchronized (lock) {
                previous = inFlight;
                if (previous == null) {
                    Drain<E> last = new Drain<>(this, retired, buffer.options());
                    inFlight = last;
                    startThread(buffer.name() + "-" + index + "-final-drain", last);
                    return last;
                }
            }
            previous.await();
        }
    }

    void stopped() {
        buffer.listeners().partitionStopped(buffer.name(), index);
    }

    static void startThread(String name, Runnable task) {
        Thread thread = new Thread(task, "tidefall-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    // ---- called by drains -----------------------------------------------------------------

    Scheduler.Cancellable watch(Drain<E> drain, Duration timeout) {
        try {
            return buffer.scheduler().schedule(timeout, drain::timeOut);
        } catch (RejectedExecutionException shuttingDown) {
            return () -> { }; // waiters in flush() and close() enforce the timeout themselves
        }
    }

    void drainStarted(int size) {
        buffer.listeners().drainStarted(buffer.name(), index, size);
    }

    /** Calls the processor; returns what it threw, or {@code null}. Nothing it does escapes. */
    Throwable process(List<E> batch) {
        try {
            buffer.processor().process(batch);
            return null;
        } catch (Throwable failure) {
            return failure;
        }
    }

    /**
     * Reports {@code lost} elements: to the log (rate-limited), to listeners, and to the failure
     * handler, on the calling thread, before the drain counts as finished.
     */
    void chunkFailed(List<E> lost, Throwable cause, BufferListener.FailureReason reason) {
        String why = reason == BufferListener.FailureReason.TIMEOUT ? "drain timed out" : "processor failed";
        BatchFailureHandler<E> handler = buffer.failureHandler();
        if (handler == null) {
            buffer.failureLog().lost(buffer.name(), index, lost.size(), why, cause);
        }
        buffer.listeners().drainFailed(buffer.name(), index, lost.size(), cause, reason);
        if (handler != null) {
            try {
                handler.handle(new FailedBatch<>(buffer.name(), index, lost, cause));
            } catch (Throwable handlerFailure) {
                buffer.failureLog().lost(buffer.name(), index, lost.size(),
                        why + ", and the failure handler threw " + handlerFailure, cause);
                buffer.listeners().failureHandlerFailed(buffer.name(), index, lost.size(), handlerFailure);
            }
        }
    }

    /**
     * A drain ended: {@code delivered} elements reached the processor, {@code lost} were handed
     * over as failed; after a timeout the chunk the processor still has is in neither, and
     * arrives later through {@link #lateChunk}.
     */
    void drainFinished(Drain<E> drain, int size, int delivered, int lost, boolean timedOut, Duration took) {
        drained.addAndGet(delivered);
        failed.addAndGet(lost);
        if (size > 0) {
            drains.incrementAndGet();
            lastDrainDuration = took;
            lastDrainAt = Instant.now();
        }
        synchronized (lock) {
            if (inFlight == drain) {
                inFlight = null;
                if (timedOut) {
                    overdue = drain;
                }
                if (drainRequested && running && canDrain() && table.size() > 0) {
                    drainRequested = false;
                    swap();
                    armTick();
                }
            }
        }
        if (size > 0) {
            buffer.listeners().drainCompleted(buffer.name(), index, size, size - delivered, timedOut, took);
        }
    }

    /**
     * The outcome of a chunk that was with the processor when its drain timed out, known now that
     * the processor returned: counted as it went ({@code failure} is null when it succeeded).
     */
    void lateChunk(int count, Throwable failure) {
        (failure == null ? drained : failed).addAndGet(count);
        buffer.listeners().chunkSettledLate(buffer.name(), index, count, failure == null);
    }

    void countDropped(long count, String reason) {
        dropped.addAndGet(count);
        buffer.listeners().elementsDropped(buffer.name(), index, count, reason);
    }

    PartitionStats stats() {
        boolean draining;
        boolean stuck;
        synchronized (lock) {
            draining = inFlight != null;
            stuck = overdue != null && !overdue.hasReturned();
        }
        return new PartitionStats(index, size(), draining, stuck, drained.get(), failed.get(), dropped.get(),
                drains.get(), lastDrainAt, lastDrainDuration);
    }
}

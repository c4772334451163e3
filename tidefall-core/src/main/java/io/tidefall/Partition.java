package io.tidefall;

import static io.tidefall.PartitionTimer.perform;

import io.tidefall.PartitionTimer.Arming;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

import org.jspecify.annotations.Nullable;

/**
 * One lane of a buffer: owns its tables (allocate, swap, hand off to a drain), its timers and its
 * counters, and knows nothing about the tables' shape.
 *
 * <p>Concurrency:
 * <ul>
 *   <li>{@code table} is read by every writer (volatile) and written only under {@code lock},
 *       by a swap. A swap installs the fresh table <em>before</em> the retired one is sealed (the
 *       drain seals it, on the drain thread), so a writer that finds its table sealed always
 *       finds a fresh one when it reads {@code table} again: the seal happens after the store of
 *       the fresh table, and the writer's observation of the seal happens after the seal.
 *   <li>{@code lock} serialises the control plane: ticks, drain checks, flushes, option updates
 *       and close. It guards {@code inFlight}, {@code running} and {@code stopped}, and the two
 *       {@link PartitionTimer}s share it. Writers take it only to ask for a drain when they fill
 *       the table. No user code and no executor hand-off runs under it: a swap picks the drain
 *       under the lock and submits it after releasing it, and a timer is planned under the lock
 *       and armed after releasing it, so an executor or scheduler that blocks or runs the task in
 *       the caller cannot block the partition's control plane.
 *   <li>At most one drain per partition is in flight, from its swap until its
 *       {@code drainCompleted} has been emitted, so the processor sees a partition's tables one at
 *       a time, in swap order, and the partition holds at most two tables: the write table and
 *       the one in flight. A drain whose processor call is stuck stays in flight: nothing newer
 *       drains until the call returns.
 *   <li>The counters ({@link PartitionCounters}) are written by drain threads and read by
 *       anyone, each on its own. A drain reports to them, and to the partition only once, when it
 *       has finished ({@code release}).
 * </ul>
 */
final class Partition<E, W extends WriteTable<E>> {

    private final BufferContext<E> context;
    private final int index;
    private final PartitionCounters counters;
    /** Makes a fresh table, sized for about as many elements as the one it replaces held. */
    private final LongFunction<W> freshTable;
    private final Object lock = new Object();

    private volatile W table;
    /** A full writer asked for a drain while one was in flight: drain again as soon as it ends. */
    private volatile boolean drainRequested;

    private final PartitionTimer tickTimer;
    private final PartitionTimer checkTimer;

    // Guarded by lock.
    private @Nullable Drain<E> inFlight;
    /**
     * No element of the write table was written before this moment (the buffer's ticker): set
     * when the table is installed, and again by each tick that finds it empty, so that an idle
     * table's age does not count. Handed to the counters with the table's drain, for the delivery
     * latency ({@link BufferListener#elementsDelivered}); nothing on the write path reads or writes it.
     */
    private long tableOpenedNanos;
    private boolean running;
    private boolean stopped;

    Partition(BufferContext<E> context, int index, LongFunction<W> freshTable) {
        this.context = context;
        this.index = index;
        this.counters = new PartitionCounters(context, index);
        this.freshTable = freshTable;
        this.table = context.withSegment(freshTable.apply(0)); // a durable buffer's table has a journal segment
        this.tableOpenedNanos = context.ticker().read();
        this.tickTimer = new PartitionTimer(context, index, lock, this::tick);
        this.checkTimer = new PartitionTimer(context, index, lock, this::check);
    }

    /** The write table now; writers retry here when the one they had turns out sealed. */
    W table() {
        return table;
    }

    int index() {
        return index;
    }

    long size() {
        return table.size();
    }

    /** Elements of the drain in flight not settled yet; 0 when none is in flight. */
    long drainingSize() {
        Drain<E> drain;
        synchronized (lock) {
            drain = inFlight;
        }
        return drain == null ? 0 : drain.unsettled();
    }

    // ---- control plane: timers ------------------------------------------------------------

    void start() {
        Arming tick;
        Arming check;
        synchronized (lock) {
            if (running || stopped) {
                return;
            }
            running = true;
            tick = planTick();
            check = planCheck();
        }
        tick.perform();
        check.perform();
        context.listeners().partitionStarted(context.name(), index);
    }

    /** Re-arms the timers whose options changed, so that a new interval applies at once. */
    void optionsChanged(BufferOptions before, BufferOptions after) {
        Arming tick = null;
        Arming check = null;
        synchronized (lock) {
            if (!running) {
                return;
            }
            if (!before.processingInterval().equals(after.processingInterval())) {
                tick = planTick();
            }
            if (!before.drainCheckInterval().equals(after.drainCheckInterval())
                    || before.hasDrainThreshold() != after.hasDrainThreshold()) {
                check = planCheck();
            }
        }
        perform(tick);
        perform(check);
    }

    private void tick() {
        Drain<E> started = null;
        Drain<E> inFlightNow = null;
        Arming next = null;
        try {
            long now = context.ticker().read(); // read before the size: a write that size() misses came after it
            synchronized (lock) {
                if (running && table.size() == 0) {
                    tableOpenedNanos = now;
                } else if (running && inFlight == null) {
                    started = swap();
                }
                inFlightNow = inFlight;
            }
            submit(started);
            if (started == null && inFlightNow != null) {
                inFlightNow.state().startIfNeglected(); // an executor that takes work but never runs it must not stall the partition
            }
        } finally {
            synchronized (lock) { // skipped, done or failed, the next tick comes one interval later
                next = running ? planTick() : null;
            }
            perform(next);
        }
    }

    private void check() {
        Drain<E> started = null;
        Arming tick = null;
        Arming next = null;
        try {
            synchronized (lock) {
                Long threshold = context.options().get().drainThreshold();
                if (running && threshold != null && inFlight == null && table.size() >= threshold) {
                    started = swap();
                    tick = started != null ? planTick() : null; // an early drain resets the interval
                }
            }
            perform(tick);
            submit(started);
        } finally {
            synchronized (lock) {
                next = running ? planCheck() : null;
            }
            perform(next);
        }
    }

    /** Caller holds {@code lock}. */
    private Arming planTick() {
        return tickTimer.plan(context.options().get().processingInterval());
    }

    /** Caller holds {@code lock}. */
    private Arming planCheck() {
        BufferOptions options = context.options().get();
        return checkTimer.plan(options.hasDrainThreshold() ? options.drainCheckInterval() : null);
    }

    // ---- control plane: swaps -------------------------------------------------------------

    /**
     * Installs a fresh table and makes the drain of the retired one. Caller holds {@code lock}; none is in flight.
     * {@code null}: no fresh journal segment could be made (logged), and nothing changed.
     */
    private @Nullable Drain<E> swap() {
        W retired = table;
        // Both allocations before anything changes: if either throws, the partition is as it was.
        Drain<E> drain = drainOf(retired, true);
        W fresh = context.withSegmentOrNull(freshTable.apply(retired.size()), index);
        if (fresh == null) {
            return null;
        }
        counters.draining(tableOpenedNanos);
        tableOpenedNanos = context.ticker().read();
        table = fresh;
        inFlight = drain;
        drainRequested = false;
        return drain;
    }

    /** The drain of {@code retired}, under the options in force now; it reports to this partition's counters. */
    private Drain<E> drainOf(W retired, boolean callProcessor) {
        return new Drain<>(context, counters, retired, context.options().get(), callProcessor,
                finished -> release(finished, retired));
    }

    /** Hands a drain that a swap made to the executor; called without {@code lock}. */
    private void submit(@Nullable Drain<E> drain) {
        if (drain != null) {
            context.submit(drain, index);
        }
    }

    /**
     * Asked by a writer that filled the table, or found it full: drains at once, without waiting
     * for the tick, or as soon as the drain in flight ends. Only while running: before start()
     * writes are kept, not drained.
     */
    void requestDrain() {
        if (drainRequested) {
            return; // asked already: the drain in flight starts the next one when it ends
        }
        Drain<E> started = null;
        Arming tick = null;
        synchronized (lock) {
            if (!running) {
                return;
            }
            if (inFlight != null) {
                drainRequested = true;
            } else if (table.size() > 0) {
                started = swap();
                tick = planTick();
            }
        }
        perform(tick);
        submit(started);
    }

    /**
     * Drains this partition now: waits for a drain in flight, then swaps if the table is not
     * empty and waits for that drain too; stops waiting when a drain cannot move (see
     * {@link Drain#awaitProgress()}).
     */
    FlushResult flush() {
        long deliveredBefore = counters.delivered();
        long failedBefore = counters.failed();
        Drain<E> previous;
        synchronized (lock) {
            previous = inFlight;
        }
        Drain<E> blocked = previous != null && !previous.state().awaitProgress() ? previous : null;
        if (blocked == null) {
            Drain<E> mine;
            boolean submit = false;
            synchronized (lock) {
                // A drain started after our first look swapped after flush() began: waiting for it suffices.
                mine = inFlight;
                if (mine == null && !stopped && table.size() > 0) {
                    mine = swap();
                    submit = mine != null;
                }
            }
            if (submit) {
                // A thread of its own rather than the executor: flush() must return even if the
                // executor blocks in execute(), and the drain is wanted now, not when a pool has room.
                context.threads().start("flush", mine);
            }
            blocked = mine != null && !mine.state().awaitProgress() ? mine : null;
        }
        return new FlushResult(counters.delivered() - deliveredBefore, counters.failed() - failedBefore,
                blocked == null ? 0 : blocked.unsettled());
    }

    /**
     * First half of close: stops the timers and installs a table that is sealed from the start,
     * so that every later write is refused. Returns the table it retired, which still accepts
     * the writes already under way until its final drain seals it.
     */
    W retireForClose() {
        W terminal = freshTable.apply(0);
        terminal.seal();
        W retired;
        Arming tick;
        Arming check;
        synchronized (lock) {
            running = false;
            stopped = true;
            tick = tickTimer.plan(null);
            check = checkTimer.plan(null);
            retired = table;
            table = terminal;
        }
        tick.perform(); // cancels
        check.perform();
        return retired;
    }

    /**
     * Second half of close, on a thread of the partition's own: lets the drain in flight finish,
     * then drains {@code retired} on this thread (shared executors may already refuse work during
     * shutdown), retrying as usual. At {@code handOverAtNanos} whatever is not delivered goes to
     * the failure handler. If a processor call is still under way then, the final table goes to
     * the failure handler without a call: at most one call per partition at a time.
     */
    void closeBy(W retired, long handOverAtNanos, long deadlineNanos) {
        Drain<E> previous;
        synchronized (lock) {
            previous = inFlight;
        }
        boolean stuck = false;
        if (previous != null) {
            previous.state().closeBy(deadlineNanos);
            if (!previous.state().runUntil(handOverAtNanos)) {
                stuck = previous.giveUp(budgetSpent(), BufferListener.FailureReason.SHUTDOWN, true);
            }
        }
        Drain<E> last = drainOf(retired, !stuck);
        last.state().closeBy(deadlineNanos);
        synchronized (lock) {
            counters.draining(tableOpenedNanos); // the retired table's: close installs no table writers use
            inFlight = last;
        }
        if (!last.state().runUntil(handOverAtNanos)) {
            last.giveUp(budgetSpent(), BufferListener.FailureReason.SHUTDOWN, true);
            last.state().runUntil(deadlineNanos); // a table still being read is handed over by its runner
        }
        context.listeners().partitionStopped(context.name(), index);
    }

    private TimeoutException budgetSpent() {
        return new TimeoutException("Buffer '" + context.name() + "' partition " + index
                + " was closing and its close budget ran out before these elements were delivered");
    }

    // ---- called by drains -----------------------------------------------------------------

    /**
     * A drain finished and was reported ({@link PartitionCounters#drainCompleted}): the partition
     * lets it go (and starts the drain a full writer asked for), so that one partition's events
     * never interleave. Then the journal segment of its table goes: every element was settled.
     */
    private void release(Drain<E> drain, W retired) {
        Drain<E> next = null;
        Arming tick = null;
        synchronized (lock) {
            if (inFlight == drain) {
                inFlight = null;
                if (drainRequested && running && table.size() > 0) {
                    next = swap();
                    tick = planTick();
                } else if (running && tickTimer.idle()) {
                    tick = planTick(); // the scheduler refused the last arming: try again
                }
            }
        }
        perform(tick);
        submit(next);
        context.settled(retired);
    }

    /** A writer dropped {@code count} elements (the overflow policy DROP). */
    void dropped(long count, String reason) {
        counters.dropped(count, reason);
    }

    PartitionStats stats() {
        Drain<E> drain;
        synchronized (lock) {
            drain = inFlight;
        }
        if (drain == null) {
            return counters.stats(size(), false, 0, false, 0, null);
        }
        return counters.stats(size(), true, drain.unsettled(), drain.state().isStuck(), drain.retryingSinceMillis(),
                drain.retryCause());
    }
}

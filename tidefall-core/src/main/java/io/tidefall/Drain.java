package io.tidefall;

import io.tidefall.ChunkLedger.Chunk;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * One retired table on its way to the processor: seal, order, cut into chunks, offer each chunk
 * until it is delivered or handed to the failure handler. Every element of the table ends in
 * exactly one of the two, whatever the user code it meets does.
 *
 * <p>The drain is the run loop; its parts live beside it: {@link DrainState} holds the phase
 * machine and the waiting that flush and close do, {@link ChunkLedger} where each element is, and
 * {@link DeliveryDecision} what becomes of a chunk that failed.
 *
 * <p><b>Threads.</b> One runner at a time moves a drain forward: whoever calls {@link #run()} in
 * PENDING or READY (an executor thread, a thread the engine starts when the executor refuses, a
 * flushing or closing thread that takes a drain over). While a failed chunk waits for its retry the
 * drain holds no thread at all (BACKING_OFF): a timer resumes it on the executor. A closing thread
 * may end the drain from outside with {@link #giveUp}; the scheduler's watchdog may interrupt the
 * runner during a processor call that overran {@code processingTimeout}.
 *
 * <p><b>Shared state</b> is guarded by the monitor of {@code state}: the phase, the ledger (chunks
 * not yet delivered, the uncut tail, the chunk in the processor's hands, the counts) and the
 * fields marked below. So at any moment each element is in exactly one place: settled (delivered
 * or failed), in the processor's hands, or waiting in a chunk or the tail, and {@code giveUp}
 * hands over exactly the last two.
 *
 * <p><b>Promises.</b> At most one processor call per drain at a time, and a partition has at most
 * one drain in flight, so at most one call per partition: a call that overruns its timeout is
 * interrupted, but nothing else is offered until it returns. A chunk that fails is retried (same
 * elements, same order) before anything after it, so queue order holds.
 *
 * <p><b>Reports.</b> What a drain settles it counts in its partition's {@link PartitionCounters},
 * which tell listeners; what it cannot deliver goes to the {@link FailureReporter}. A drain
 * <em>finishes</em> (phase FINISHED) when every element is settled, by its runner or by a hand-over
 * from outside; whichever thread finished it then <em>reports</em> it ({@code drainCompleted}) and
 * has its partition <em>release</em> it through the callback it was made with, once. Waiters return
 * once it is released.
 */
final class Drain<E> implements Runnable {

    private final BufferContext<E> context;
    private final Ticker ticker;
    /** Where this drain reports what it settles; {@code partition} is the index they count. */
    private final PartitionCounters counters;
    private final int partition;
    /** The partition's; called once, after the drain finished and was reported: frees the partition. */
    private final Consumer<Drain<E>> release;
    private final WriteTable<E> table;
    /** Fixed for the drain: how long one processor call (or the sort) may take before it counts as stuck. */
    private final long timeoutNanos;
    /** {@code false} for the final drain of a partition whose processor is stuck: everything goes to the failure handler. */
    private final boolean callProcessor;

    /** The phase machine; its monitor guards everything below. */
    private final DrainState state;
    /** Where every element of the table is; loaded once the table has been read. */
    private final ChunkLedger<E> ledger;
    /** Carries out what becomes of each chunk a call returned. */
    private final ChunkSettlement<E> settlement;
    private final CallWatchdog watchdog;

    // Guarded by state.
    private long startNanos;
    private boolean overran;
    /** A giveUp() that came while the table was being read: the runner hands it over once it has it. */
    private @Nullable Throwable giveUpCause;
    private BufferListener.@Nullable FailureReason giveUpReason;

    Drain(BufferContext<E> context, PartitionCounters counters, WriteTable<E> table, BufferOptions options,
            boolean callProcessor, Consumer<Drain<E>> release) {
        this.context = context;
        this.ticker = context.ticker();
        this.counters = counters;
        this.partition = counters.partition();
        this.release = release;
        this.table = table;
        this.ledger = new ChunkLedger<>(options.processingBatchSize());
        this.timeoutNanos = options.processingTimeout().toNanos();
        this.callProcessor = callProcessor;
        this.startNanos = ticker.read();
        this.state = new DrainState(context, partition, timeoutNanos, this);
        this.settlement = new ChunkSettlement<>(context, counters, state, ledger);
        this.watchdog = new CallWatchdog(context, state, partition, timeoutNanos);
    }

    // ---- the runner -----------------------------------------------------------------------

    /** Moves the drain forward on the calling thread, unless another thread has it, or it is not its turn. */
    @Override
    public void run() {
        boolean prepare;
        synchronized (state) {
            DrainState.Phase claimed = state.claim();
            if (claimed == null) {
                return;
            }
            prepare = claimed == DrainState.Phase.PENDING;
            if (prepare) {
                startNanos = state.stepStartNanos();
            }
        }
        try {
            if (prepare && !prepare()) {
                return;
            }
            offerChunks();
        } catch (Throwable engineFailure) {
            // The engine's own code failed (an OutOfMemoryError while cutting a chunk, say): what is
            // not settled goes to the failure handler, so the state is consistent, then the error goes on.
            giveUp(engineFailure, BufferListener.FailureReason.EXCEPTION, false);
            throw engineFailure;
        }
    }

    /** Seals, drains and orders the table; {@code false} when there is nothing more to do. */
    private boolean prepare() {
        long patience;
        synchronized (state) {
            patience = state.sealPatience();
        }
        table.seal(patience);
        List<E> drained = table.drain();
        long abandoned = table.abandoned();
        if (abandoned > 0) {
            counters.writesAbandoned(abandoned);
        }
        Throwable handOver;
        BufferListener.FailureReason reason;
        List<E> inPushOrder = context.deliveryOrder().elements(drained);
        int size = inPushOrder.size();
        synchronized (state) {
            ledger.load(inPushOrder); // published: from here on giveUp() can hand them over
            handOver = giveUpCause;
            reason = giveUpReason;
            state.notifyAll();
        }
        if (handOver != null && !drained.isEmpty()) {
            counters.drainStarted(size);
            giveUp(handOver, reason, false);
            return false;
        }
        if (drained.isEmpty()) { // a HashMap whose keys were all deleted, or a queue whose writers all threw
            finishByRunner();
            return false;
        }
        counters.drainStarted(size);
        if (!callProcessor) {
            giveUp(new IllegalStateException("a processor call of this partition never returned"),
                    BufferListener.FailureReason.SHUTDOWN, false);
            return false;
        }
        if (context.deliveryOrder().orders() && size > 1) {
            List<E> ordered;
            try {
                ordered = context.deliveryOrder().ordered(drained);
            } catch (Throwable orderingFailed) {
                giveUp(orderingFailed, BufferListener.FailureReason.EXCEPTION, false);
                return false;
            }
            synchronized (state) {
                if (state.isFinished()) {
                    return false; // a close handed the table over while it was being sorted
                }
                ledger.reorder(ordered);
            }
        }
        synchronized (state) {
            if (state.isFinished()) {
                return false;
            }
            state.enter(DrainState.Phase.RUNNING);
        }
        return true;
    }

    /** Offers chunk after chunk until the table is settled, or a retry must wait. */
    private void offerChunks() {
        for (;;) {
            Chunk chunk;
            long pause = 0;
            long id;
            synchronized (state) {
                if (state.isFinished()) {
                    return; // a close handed over what was left
                }
                chunk = ledger.next();
                if (chunk == null) {
                    break;
                }
                long now = ticker.read();
                if (chunk.notBeforeNanos - now > 0) {
                    pause = chunk.notBeforeNanos - now;
                    state.backOff(chunk.notBeforeNanos);
                }
                id = watchdog.nextCall();
            }
            if (pause > 0) {
                state.resumeAfter(pause);
                return; // no thread waits through a retry pause
            }
            // The watchdog is armed before the chunk leaves `work`: a scheduler that hangs here holds
            // nothing a close could not hand over, and the call below is then never made.
            Scheduler.Cancellable timer = watchdog.arm(id);
            synchronized (state) {
                if (state.isFinished()) {
                    context.cancelQuietly(timer, partition);
                    return;
                }
                long now = ticker.read();
                ledger.take(chunk);
                if (chunk.firstAttemptNanos == 0) {
                    chunk.firstAttemptNanos = now;
                }
                watchdog.calling(id);
                state.enter(DrainState.Phase.CALLING);
            }
            if (!offer(chunk, timer)) {
                return;
            }
        }
        synchronized (state) {
            if (state.isFinished()) {
                return;
            }
        }
        finishByRunner();
    }

    /**
     * Calls the processor with {@code chunk} and settles the outcome: delivered, offered again
     * later, split, or handed to the failure handler. {@code false} when the drain was given up
     * meanwhile.
     */
    private boolean offer(Chunk chunk, Scheduler.@Nullable Cancellable timer) {
        Throwable failure = call(batchOf(chunk));
        context.cancelQuietly(timer, partition);
        boolean late;
        boolean tookTooLong;
        synchronized (state) {
            // The watchdog's word counts whatever this clock says: it was armed a moment before the
            // call's clock started, so it can fire before the call has run a full timeout by it.
            tookTooLong = watchdog.takeFired() || ticker.read() - state.stepStartNanos() > timeoutNanos;
            overran |= tookTooLong;
            ledger.returned();
            late = state.isFinished();
            if (!late) {
                state.enter(DrainState.Phase.RUNNING);
            }
        }
        if (late) {
            settlement.returnedAfterHandOver(chunk, failure == null);
            return false;
        }
        if (failure == null) {
            settlement.delivered(chunk);
        } else {
            settlement.failed(chunk, tookTooLong ? watchdog.timeoutException(failure) : failure, tookTooLong);
        }
        return true;
    }

    private @Nullable Throwable call(List<E> batch) {
        BufferListener listeners = context.listeners();
        listeners.processingCallStarting(context.name(), partition, BufferListener.Callee.PROCESSOR);
        try {
            context.processor().process(batch);
            return null;
        } catch (Throwable failure) {
            return failure;
        } finally {
            listeners.processingCallEnded(context.name(), partition, BufferListener.Callee.PROCESSOR);
        }
    }

    private List<E> batchOf(Chunk chunk) {
        synchronized (state) {
            return ledger.batchOf(chunk);
        }
    }

    // ---- ending -----------------------------------------------------------------------------

    /**
     * Ends the drain from any thread: everything not settled (the chunk a call still holds, the
     * chunks waiting, the tail not cut yet) goes to the failure handler with {@code cause}. Does
     * nothing once the drain has finished. {@code interrupt} interrupts a call still under way.
     *
     * @return whether a processor call was still under way (it is deaf, or slow past the budget)
     */
    boolean giveUp(Throwable cause, BufferListener.FailureReason reason, boolean interrupt) {
        List<E> rest;
        boolean calling;
        boolean loaded;
        Scheduler.Cancellable timer;
        synchronized (state) {
            if (state.isFinished()) {
                return false;
            }
            loaded = ledger.isLoaded();
            DrainState.Phase phase = state.phase();
            if (!loaded && (phase == DrainState.Phase.PENDING || Thread.currentThread() != state.runner())) {
                // The table has not been read yet: whoever reads it hands it over at once (see
                // prepare()); this thread, for a drain no one has started. Reading is bounded by the
                // seal's patience, which a closing buffer keeps within its budget.
                giveUpCause = cause;
                giveUpReason = reason;
                if (phase != DrainState.Phase.PENDING) {
                    return false;
                }
                rest = null;
                calling = false;
                timer = null;
            } else {
                calling = phase == DrainState.Phase.CALLING;
                rest = ledger.takeUnsettled(); // counted as failed
                Thread runner = state.runner();
                if (calling && interrupt && runner != null) {
                    watchdog.interrupt(runner);
                }
                timer = state.finishFromOutside();
            }
        }
        if (rest == null) {
            run(); // reads the table and, finding giveUpCause, hands it over
            return false;
        }
        context.cancelQuietly(timer, partition);
        if (!loaded) { // the runner's own code failed before it could read the table
            context.log().log(System.Logger.Level.ERROR, "Buffer ''{0}'' partition {1}: a drain failed before "
                    + "its table could be read ({2}); its elements are unaccounted for", context.name(),
                    partition, cause);
        } else {
            settlement.handedOver(rest, cause, reason);
        }
        report();
        return calling;
    }

    /** The runner settled everything. */
    private void finishByRunner() {
        synchronized (state) {
            if (state.isFinished()) {
                return;
            }
            state.finishByRunner();
        }
        report();
    }

    /** Tells listeners that the drain finished, then has the partition release it; called once, by whoever finished it. */
    private void report() {
        int total;
        int lost;
        boolean anyOverran;
        synchronized (state) {
            total = ledger.size();
            lost = ledger.failedCount();
            anyOverran = overran;
        }
        try {
            // Listeners first, then the partition is freed: one partition's events never interleave.
            counters.drainCompleted(total, lost, anyOverran, Duration.ofNanos(ticker.read() - startNanos));
            release.accept(this);
        } finally {
            synchronized (state) {
                state.released();
            }
        }
    }

    // ---- for flush, close and stats ------------------------------------------------------------

    /** The phase machine, for waiting on the drain (flush, close) and telling whether it is stuck. */
    DrainState state() {
        return state;
    }

    /** Elements of this drain neither delivered nor failed yet. */
    long unsettled() {
        synchronized (state) {
            return state.isFinished() ? 0 : !ledger.isLoaded() ? table.size() : ledger.unsettledCount();
        }
    }

    /** Since when (epoch milliseconds) a chunk of this drain has been failing, or 0. */
    long retryingSinceMillis() {
        return settlement.retryingSinceMillis();
    }

    @Nullable Throwable retryCause() {
        return settlement.retryCause();
    }
}

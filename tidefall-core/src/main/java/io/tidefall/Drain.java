package io.tidefall;

import io.tidefall.ChunkLedger.Chunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * One retired table on its way to the processor: seal, order, cut into chunks, offer each chunk
 * until it is delivered or handed to the failure handler. Every element of the table ends in
 * exactly one of the two, whatever the user code it meets does.
 *
 * <pre>
 *   PENDING --run--> PREPARING --> RUNNING <--> CALLING          (one runner thread at a time)
 *                                     |   \
 *                                     |    BACKING_OFF --resume--> READY --run--> RUNNING
 *                                     v
 *                                  FINISHED  <--giveUp() (a closing thread, at the close budget)
 * </pre>
 *
 * <p><b>Threads.</b> One runner at a time moves a drain forward: whoever calls {@link #run()} in
 * PENDING or READY (an executor thread, a thread the engine starts when the executor refuses, a
 * flushing or closing thread that takes a drain over). While a failed chunk waits for its retry the
 * drain holds no thread at all (BACKING_OFF): a timer resumes it on the executor. A closing thread
 * may end the drain from outside with {@link #giveUp}; the scheduler's watchdog may interrupt the
 * runner during a processor call that overran {@code processingTimeout}.
 *
 * <p><b>Shared state</b> is guarded by this object's monitor: the phase, the chunks not yet
 * delivered ({@code work} and the uncut tail from {@code nextFrom}), the chunk in the processor's
 * hands ({@code current}), the counts. Every phase change calls {@code notifyAll()}, for waiters.
 * So at any moment each element is in exactly one place: settled (delivered or failed), in the
 * processor's hands, or waiting in {@code work} or the tail, and {@code giveUp} hands over exactly
 * the last two.
 *
 * <p><b>Promises.</b> At most one processor call per drain at a time, and a partition has at most
 * one drain in flight, so at most one call per partition: a call that overruns its timeout is
 * interrupted, but nothing else is offered until it returns. A chunk that fails is retried (same
 * elements, same order) before anything after it, so queue order holds.
 *
 * <p><b>Reports.</b> What a drain settles it counts in its partition's {@link PartitionCounters},
 * which tell listeners; what it cannot deliver goes to the {@link FailureReporter}. It knows its
 * partition only as the callback it was made with, {@code onFinished}, called once, after
 * {@code drainCompleted} went out, by whichever thread finished the drain.
 */
final class Drain<E> implements Runnable {

    private enum Phase { PENDING, PREPARING, RUNNING, CALLING, BACKING_OFF, READY, FINISHED }

    private final BufferContext<E> context;
    private final Ticker ticker;
    /** Where this drain reports what it settles; {@code partition} is the index they count. */
    private final PartitionCounters counters;
    private final int partition;
    /** Told once, after the drain finished and its {@code drainCompleted} went out: frees the partition. */
    private final Consumer<Drain<E>> onFinished;
    private final WriteTable<E> table;
    /** Fixed for the drain: how long one processor call (or the sort) may take before it counts as stuck. */
    private final long timeoutNanos;
    /** {@code false} for the final drain of a partition whose processor is stuck: everything goes to the failure handler. */
    private final boolean deliver;

    // Guarded by this.
    private Phase phase = Phase.PENDING;
    private @Nullable Thread runner;
    private long startNanos;
    /** When the runner started the step it is in now (preparing, or a call): for the timeout. */
    private long stepStartNanos;
    /** Where every element of the table is; loaded once the table has been read. */
    private final ChunkLedger<E> ledger;
    private long callId;
    private boolean interruptedByWatchdog;
    private boolean overran;
    private long retryingSinceMillis;
    private @Nullable Throwable retryCause;
    private Scheduler.@Nullable Cancellable resumeTimer;
    /** Set by a closing buffer: no retry pause may end after it (the ticker's nanoseconds). */
    private long closeDeadlineNanos = DeliveryDecision.NO_DEADLINE;
    /** A giveUp() that came while the table was being read: the runner hands it over once it has it. */
    private @Nullable Throwable giveUpCause;
    /** Set once the partition has heard that the drain finished (events emitted, partition freed): waiters return then. */
    private boolean reported;
    /** When the drain last became PENDING or READY: how long the executor has had it. */
    private long waitingSinceNanos;
    private BufferListener.@Nullable FailureReason giveUpReason;

    Drain(BufferContext<E> context, PartitionCounters counters, WriteTable<E> table, BufferOptions options,
            boolean deliver, Consumer<Drain<E>> onFinished) {
        this.context = context;
        this.ticker = context.ticker();
        this.counters = counters;
        this.partition = counters.partition();
        this.onFinished = onFinished;
        this.table = table;
        this.ledger = new ChunkLedger<>(options.processingBatchSize());
        this.timeoutNanos = options.processingTimeout().toNanos();
        this.deliver = deliver;
        this.startNanos = ticker.read();
        this.waitingSinceNanos = startNanos;
    }

    // ---- the runner -----------------------------------------------------------------------

    /** Moves the drain forward on the calling thread, unless another thread has it, or it is not its turn. */
    @Override
    public void run() {
        boolean prepare;
        synchronized (this) {
            if (phase != Phase.PENDING && phase != Phase.READY) {
                return;
            }
            prepare = phase == Phase.PENDING;
            runner = Thread.currentThread();
            if (prepare) {
                startNanos = ticker.read();
                stepStartNanos = startNanos;
            }
            enter(prepare ? Phase.PREPARING : Phase.RUNNING);
        }
        try {
            if (prepare && !prepare()) {
                return;
            }
            deliver();
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
        synchronized (this) {
            patience = closeDeadlineNanos == DeliveryDecision.NO_DEADLINE
                    ? timeoutNanos
                    : Math.min(timeoutNanos, Math.max(0, closeDeadlineNanos - ticker.read()));
        }
        table.seal(patience);
        List<E> drained = table.drain();
        long abandoned = table.abandoned();
        if (abandoned > 0) {
            counters.writesAbandoned(abandoned);
        }
        Throwable handOver;
        BufferListener.FailureReason reason;
        List<E> inPushOrder = context.arrangement().elements(drained);
        int size = inPushOrder.size();
        synchronized (this) {
            ledger.load(inPushOrder); // published: from here on giveUp() can hand them over
            handOver = giveUpCause;
            reason = giveUpReason;
            notifyAll();
        }
        if (handOver != null && !drained.isEmpty()) {
            counters.drainStarted(size);
            giveUp(handOver, reason, false);
            return false;
        }
        if (drained.isEmpty()) { // a HashMap whose keys were all deleted, or a queue whose writers all threw
            complete();
            return false;
        }
        counters.drainStarted(size);
        if (!deliver) {
            giveUp(new IllegalStateException("a processor call of this partition never returned"),
                    BufferListener.FailureReason.SHUTDOWN, false);
            return false;
        }
        if (context.arrangement().orders() && size > 1) {
            List<E> ordered;
            try {
                ordered = context.arrangement().ordered(drained);
            } catch (Throwable orderingFailed) {
                giveUp(orderingFailed, BufferListener.FailureReason.EXCEPTION, false);
                return false;
            }
            synchronized (this) {
                if (phase == Phase.FINISHED) {
                    return false; // a close handed the table over while it was being sorted
                }
                ledger.reorder(ordered);
            }
        }
        synchronized (this) {
            if (phase == Phase.FINISHED) {
                return false;
            }
            enter(Phase.RUNNING);
        }
        return true;
    }

    /** Offers chunk after chunk until the table is settled, or a retry must wait. */
    private void deliver() {
        for (;;) {
            Chunk chunk;
            long pause = 0;
            long id;
            synchronized (this) {
                if (phase == Phase.FINISHED) {
                    return; // a close handed over what was left
                }
                chunk = ledger.next();
                if (chunk == null) {
                    break;
                }
                long now = ticker.read();
                if (chunk.notBeforeNanos - now > 0) {
                    pause = chunk.notBeforeNanos - now;
                    runner = null;
                    enter(Phase.BACKING_OFF);
                }
                id = callId + 1;
            }
            if (pause > 0) {
                scheduleResume(pause);
                return; // no thread waits through a retry pause
            }
            // The watchdog is armed before the chunk leaves `work`: a scheduler that hangs here holds
            // nothing a close could not hand over, and the call below is then never made.
            Scheduler.Cancellable watchdog = context.schedule(Duration.ofNanos(timeoutNanos), () -> callTimedOut(id));
            synchronized (this) {
                if (phase == Phase.FINISHED) {
                    context.cancelQuietly(watchdog, partition);
                    return;
                }
                long now = ticker.read();
                ledger.take(chunk);
                if (chunk.firstAttemptNanos == 0) {
                    chunk.firstAttemptNanos = now;
                }
                callId = id;
                enter(Phase.CALLING);
            }
            if (!offer(chunk, watchdog)) {
                return;
            }
        }
        synchronized (this) {
            if (phase == Phase.FINISHED) {
                return;
            }
        }
        complete();
    }

    /**
     * Calls the processor with {@code chunk} and settles the outcome: delivered, offered again
     * later, split, or handed to the failure handler. {@code false} when the drain was given up
     * meanwhile.
     */
    private boolean offer(Chunk chunk, Scheduler.@Nullable Cancellable watchdog) {
        Throwable failure = call(batchOf(chunk));
        context.cancelQuietly(watchdog, partition);
        boolean late;
        boolean tookTooLong;
        synchronized (this) {
            boolean watchdogFired = interruptedByWatchdog;
            if (watchdogFired) {
                interruptedByWatchdog = false;
                Thread.interrupted(); // the interrupt was meant for the call, not for this thread's next task
            }
            // The watchdog's word counts whatever this clock says: it was armed a moment before the
            // call's clock started, so it can fire before the call has run a full timeout by it.
            tookTooLong = watchdogFired || ticker.read() - stepStartNanos > timeoutNanos;
            overran |= tookTooLong;
            ledger.returned();
            late = phase == Phase.FINISHED;
            if (!late) {
                enter(Phase.RUNNING);
            }
        }
        if (late) {
            // A close gave this chunk to the failure handler while the call ran past its budget.
            if (failure == null) {
                context.log().log(System.Logger.Level.WARNING, "Buffer ''{0}'' partition {1}: a processor call "
                        + "returned normally after the close budget had handed its {2} element(s) to the failure "
                        + "handler; they went both ways", context.name(), partition, chunk.size());
            }
            return false;
        }
        if (failure == null) {
            settled(chunk.size(), 0);
            return true;
        }
        settleFailure(chunk, tookTooLong ? timeoutException(failure) : failure, tookTooLong);
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

    private synchronized List<E> batchOf(Chunk chunk) {
        return ledger.batchOf(chunk);
    }

    /** Carries out the {@link DeliveryDecision} on a chunk the processor failed on. */
    private void settleFailure(Chunk chunk, Throwable cause, boolean tookTooLong) {
        chunk.attempts++;
        boolean retryable;
        try {
            retryable = context.retryPolicy().isRetryable(cause);
        } catch (Throwable policyFailed) {
            retryable = false; // see RetryPolicy: a policy that throws calls the failure permanent
        }
        long now = ticker.read();
        DeliveryDecision decision;
        synchronized (this) {
            decision = DeliveryDecision.decide(chunk.attempts, retryable, chunk.size(), chunk.firstAttemptNanos, now,
                    closeDeadlineNanos, context.options().get(), ThreadLocalRandom.current().nextDouble());
            switch (decision.action()) {
                case RETRY -> {
                    ledger.retryLater(chunk, now + decision.pauseNanos());
                    if (retryingSinceMillis == 0) {
                        retryingSinceMillis = ticker.wallMillis();
                    }
                    retryCause = cause;
                }
                case SPLIT -> ledger.split(chunk); // only the elements it fails on are given up
                default -> {
                }
            }
        }
        switch (decision.action()) {
            case RETRY -> counters.retrying(chunk.size(), chunk.attempts, cause, Duration.ofNanos(decision.pauseNanos()));
            case SPLIT -> {
            }
            case FAIL_CLOSING -> {
                // The same cause as a hand-over at the end of the budget, whichever comes first; the
                // processor's failure stays readable as its cause.
                TimeoutException budget = new TimeoutException("Buffer '" + context.name() + "' partition " + partition
                        + " was closing and its close budget would run out before the next retry of these elements");
                budget.initCause(cause);
                fail(chunk, budget, BufferListener.FailureReason.SHUTDOWN);
            }
            case FAIL -> fail(chunk, cause,
                    tookTooLong ? BufferListener.FailureReason.TIMEOUT : BufferListener.FailureReason.EXCEPTION);
        }
    }

    private void fail(Chunk chunk, Throwable cause, BufferListener.FailureReason reason) {
        List<E> lost = new ArrayList<>(batchOf(chunk));
        synchronized (this) {
            retryingSinceMillis = 0;
            retryCause = null;
        }
        settled(0, chunk.size());
        context.failures().report(partition, lost, cause, reason);
    }

    private void settled(int deliveredNow, int failedNow) {
        synchronized (this) {
            ledger.delivered(deliveredNow);
            ledger.failed(failedNow);
            if (deliveredNow > 0) {
                retryingSinceMillis = 0;
                retryCause = null;
            }
        }
        counters.settled(deliveredNow, failedNow);
    }

    // ---- timers ----------------------------------------------------------------------------

    /** The watchdog of call {@code id}: interrupts the runner if that call is still under way. */
    private void callTimedOut(long id) {
        synchronized (this) {
            if (phase == Phase.CALLING && callId == id && runner != null) {
                interruptedByWatchdog = true;
                runner.interrupt(); // under the monitor, so the runner can tell, after the call, that the flag is ours
            }
        }
    }

    private void scheduleResume(long pauseNanos) {
        Scheduler.@Nullable Cancellable timer = context.schedule(Duration.ofNanos(pauseNanos), this::resume);
        if (timer == null) { // no timer could be had, not even a thread of the buffer's own: try once more for one
            timer = context.threads().later("retry", Duration.ofNanos(pauseNanos), this::resume);
        }
        synchronized (this) {
            if (phase == Phase.BACKING_OFF) {
                resumeTimer = timer;
                return;
            }
        }
        context.cancelQuietly(timer, partition); // taken over meanwhile
    }

    /** Ends a retry pause: the drain goes back to the executor. */
    private void resume() {
        synchronized (this) {
            if (phase != Phase.BACKING_OFF) {
                return;
            }
            resumeTimer = null;
            waitingSinceNanos = ticker.read();
            enter(Phase.READY);
        }
        context.submit(this, partition);
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
        synchronized (this) {
            if (phase == Phase.FINISHED) {
                return false;
            }
            loaded = ledger.isLoaded();
            if (!loaded && (phase == Phase.PENDING || Thread.currentThread() != runner)) {
                // The table has not been read yet: whoever reads it hands it over at once (see
                // prepare()); this thread, for a drain no one has started. Reading is bounded by the
                // seal's patience, which a closing buffer keeps within its budget.
                giveUpCause = cause;
                giveUpReason = reason;
                if (phase != Phase.PENDING) {
                    return false;
                }
                rest = null;
                calling = false;
                timer = null;
            } else {
                calling = phase == Phase.CALLING;
                rest = unsettled(calling && interrupt);
                timer = resumeTimer;
                resumeTimer = null;
                enter(Phase.FINISHED);
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
        } else if (!rest.isEmpty()) {
            counters.settled(0, rest.size());
            context.failures().report(partition, rest, cause, reason);
        }
        finished();
        return calling;
    }

    /**
     * Takes every element not settled yet out of the drain, counting them as failed; interrupts a
     * call still under way if asked. Holds the monitor.
     */
    private List<E> unsettled(boolean interruptCall) {
        List<E> rest = ledger.takeUnsettled();
        if (interruptCall && runner != null) {
            interruptedByWatchdog = true;
            runner.interrupt();
        }
        return rest;
    }

    /** The runner settled everything. */
    private void complete() {
        synchronized (this) {
            if (phase == Phase.FINISHED) {
                return;
            }
            runner = null;
            enter(Phase.FINISHED);
        }
        finished();
    }

    /** Bookkeeping of a drain that has just become FINISHED; called once, by whoever finished it. */
    private void finished() {
        int total;
        int lost;
        boolean anyOverran;
        synchronized (this) {
            total = ledger.size();
            lost = ledger.failedCount();
            anyOverran = overran;
        }
        try {
            // Listeners first, then the partition is freed: one partition's events never interleave.
            counters.drainCompleted(total, lost, anyOverran, Duration.ofNanos(ticker.read() - startNanos));
            onFinished.accept(this);
        } finally {
            synchronized (this) {
                reported = true;
                notifyAll();
            }
        }
    }

    private void enter(Phase next) { // holds the monitor
        phase = next;
        stepStartNanos = ticker.read(); // a step's user code (processor, handler, listener) is timed from here
        notifyAll();
    }

    private TimeoutException timeoutException(Throwable processorFailure) {
        TimeoutException timedOut = new TimeoutException("A processor call of buffer '" + context.name()
                + "' partition " + partition + " ran past processingTimeout "
                + Duration.ofNanos(timeoutNanos) + " and then failed");
        timedOut.initCause(processorFailure);
        return timedOut;
    }

    // ---- waiting, for flush and close ----------------------------------------------------------

    /** Tells a drain that its buffer closes: no retry pause may end after {@code deadlineNanos}. */
    synchronized void closeBy(long deadlineNanos) {
        closeDeadlineNanos = deadlineNanos;
    }

    /**
     * Waits until the drain has finished or cannot move now: a call (or the ordering) has run past
     * the timeout, or a chunk waits for its retry. A drain no thread runs yet is run on a thread of
     * its own first: an executor that stopped taking work must not strand a retired table.
     *
     * @return {@code true} when the drain finished
     */
    boolean awaitProgress() {
        boolean interrupted = false;
        long since = ticker.read();
        boolean startedOwnThread = false;
        try {
            synchronized (this) {
                for (;;) {
                    if (reported) {
                        return true;
                    }
                    if (phase == Phase.BACKING_OFF) {
                        return false;
                    }
                    long wait = TimeUnit.MILLISECONDS.toNanos(100);
                    if (phase != Phase.PENDING && phase != Phase.READY) {
                        // Preparing, calling the processor or the failure handler, telling listeners: a step
                        // that outlasts the timeout (and its grace) is stuck; its outcome comes when it returns.
                        long left = stuckAfterNanos() - (ticker.read() - stepStartNanos);
                        if (left <= 0) {
                            return false;
                        }
                        wait = Math.min(wait, left);
                    } else {
                        if (!startedOwnThread && ticker.read() - since >= EXECUTOR_PATIENCE_NANOS) {
                            context.threads().start("drain", this); // it waits for this monitor, then runs
                            startedOwnThread = true;
                        }
                        wait = EXECUTOR_PATIENCE_NANOS;
                    }
                    try {
                        TimeUnit.NANOSECONDS.timedWait(this, wait);
                    } catch (InterruptedException e) {
                        interrupted = true; // keep waiting: the caller is promised a bounded, not an early, return
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Called by a tick that found this drain still in flight: if no thread has run it for a
     * processing timeout (the executor took it, but never runs it), runs it on a thread of its own.
     */
    void startIfNeglected() {
        synchronized (this) {
            if ((phase != Phase.PENDING && phase != Phase.READY) || ticker.read() - waitingSinceNanos < timeoutNanos) {
                return;
            }
            waitingSinceNanos = ticker.read(); // at most one thread per timeout
        }
        context.threads().start("drain", this);
    }

    /** How long a waiter gives the executor to start a drain before it starts one thread of its own. */
    private static final long EXECUTOR_PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * For a closing buffer: runs the drain on the calling thread whenever no other thread has it,
     * waiting through retry pauses, until it finishes or {@code handOverAtNanos} comes.
     *
     * @return {@code true} when the drain finished in time
     */
    boolean runUntil(long handOverAtNanos) {
        boolean interrupted = false;
        try {
            for (;;) {
                boolean takeOver = false;
                synchronized (this) {
                    long now = ticker.read();
                    if (reported) {
                        return true;
                    }
                    if (handOverAtNanos - now <= 0) {
                        return false;
                    }
                    long wait = handOverAtNanos - now;
                    if (phase == Phase.PENDING || phase == Phase.READY) {
                        takeOver = true;
                    } else if (phase == Phase.BACKING_OFF) {
                        Chunk next = ledger.next();
                        long pauseLeft = next == null ? 0 : next.notBeforeNanos - now;
                        if (pauseLeft <= 0) {
                            context.cancelQuietly(resumeTimer, partition); // the scheduler's code, under this monitor: it only cancels
                            resumeTimer = null;
                            enter(Phase.READY);
                            takeOver = true;
                        } else {
                            wait = Math.min(wait, pauseLeft);
                        }
                    }
                    if (!takeOver) {
                        try {
                            TimeUnit.NANOSECONDS.timedWait(this, wait);
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                }
                if (takeOver) {
                    // A thread of its own, so that this one can still hand the rest over at the budget's end.
                    context.threads().start("final-drain", this);
                    synchronized (this) {
                        while (phase == Phase.PENDING || phase == Phase.READY) {
                            try {
                                wait(); // until that thread has claimed the drain
                            } catch (InterruptedException e) {
                                interrupted = true;
                            }
                        }
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- for stats ----------------------------------------------------------------------------

    /** Whether a call (or the ordering) has run past the timeout and not returned. */
    synchronized boolean isStuck() {
        return phase != Phase.PENDING && phase != Phase.READY && phase != Phase.BACKING_OFF && !reported
                && ticker.read() - stepStartNanos > stuckAfterNanos();
    }

    /**
     * A step counts as stuck when it has run past the timeout and then a grace of half the
     * timeout (at most a second) on top, so that a call the watchdog interrupted has a moment to
     * return before waiters give up on it.
     */
    private long stuckAfterNanos() {
        return timeoutNanos + Math.min(timeoutNanos / 2, TimeUnit.SECONDS.toNanos(1));
    }

    /** Elements of this drain neither delivered nor failed yet. */
    synchronized long unsettled() {
        return phase == Phase.FINISHED ? 0 : !ledger.isLoaded() ? table.size() : ledger.unsettledCount();
    }

    /** Since when (epoch milliseconds) a chunk of this drain has been failing, or 0. */
    synchronized long retryingSinceMillis() {
        return retryingSinceMillis;
    }

    synchronized @Nullable Throwable retryCause() {
        return retryCause;
    }
}

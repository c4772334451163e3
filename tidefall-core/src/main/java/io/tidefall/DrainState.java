package io.tidefall;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * The phase of one {@link Drain}, and the waiting on it that a flush and a close do.
 *
 * <pre>
 *   PENDING --run--> PREPARING --> RUNNING <--> CALLING          (one runner thread at a time)
 *                                     |   \
 *                                     |    BACKING_OFF --resume--> READY --run--> RUNNING
 *                                     v
 *                                  FINISHED  <--giveUp() (a closing thread, at the close budget)
 * </pre>
 *
 * <p><b>The monitor.</b> This object's monitor guards the phase and what goes with it (the runner,
 * when the current step began, the retry timer), and also everything the drain keeps beside it
 * (its {@link ChunkLedger} and counts): the drain synchronizes on its state. The methods marked
 * "caller holds the monitor" are the drain's transitions; every phase change calls
 * {@code notifyAll()}, which is what {@link #awaitProgress()} and {@link #runUntil(long)} wait for.
 * Those two, {@link #startIfNeglected()} and {@link #isStuck()} take the monitor themselves.
 *
 * <p><b>Who moves it.</b> The runner (whoever {@link #claim() claimed} the drain in PENDING or
 * READY) moves it through PREPARING, RUNNING and CALLING; a retry timer moves it from BACKING_OFF
 * to READY; a closing thread may end it from any phase ({@link #finishFromOutside()}), and may take it over
 * from READY or, once its pause is over, BACKING_OFF.
 */
final class DrainState {

    enum Phase {
        /** Made by a swap, not run yet. */
        PENDING,
        /** The runner seals, reads and orders the table. */
        PREPARING,
        /** The runner picks the next chunk, or settles the one a call returned. */
        RUNNING,
        /** The runner is in a processor call. */
        CALLING,
        /** A chunk waits for its retry; no thread holds the drain. */
        BACKING_OFF,
        /** The retry pause is over; the drain waits for a thread. */
        READY,
        /** Every element is settled (or handed over). */
        FINISHED
    }

    /** How long a waiter gives the executor to start a drain before it starts one thread of its own. */
    private static final long EXECUTOR_PATIENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final BufferContext<?> context;
    private final Ticker ticker;
    private final int partition;
    private final long timeoutNanos;
    /** The drain, for a thread of its own when its executor neglects it. */
    private final Runnable drain;

    // Guarded by this.
    private Phase phase = Phase.PENDING;
    private @Nullable Thread runner;
    /** When the step under way began (preparing, a call, telling listeners): for the timeout. */
    private long stepStartNanos;
    /** When the drain last became PENDING or READY: how long the executor has had it. */
    private long waitingSinceNanos;
    /** In BACKING_OFF: when the pause ends, and the timer that ends it. */
    private long resumeAtNanos;
    private Scheduler.@Nullable Cancellable resumeTimer;
    /** Set by a closing buffer: no retry pause may end after it. */
    private long closeDeadlineNanos = DeliveryDecision.NO_DEADLINE;
    /** Set once the drain was reported and its partition released it: waiters return then. */
    private boolean released;

    DrainState(BufferContext<?> context, int partition, long timeoutNanos, Runnable drain) {
        this.context = context;
        this.ticker = context.ticker();
        this.partition = partition;
        this.timeoutNanos = timeoutNanos;
        this.drain = drain;
        this.stepStartNanos = ticker.read();
        this.waitingSinceNanos = stepStartNanos;
    }

    // ---- transitions; the caller holds the monitor ------------------------------------------

    Phase phase() {
        return phase;
    }

    boolean isFinished() {
        return phase == Phase.FINISHED;
    }

    /**
     * Makes the calling thread the runner, if the drain waits for one (PENDING or READY).
     *
     * @return the phase it was claimed in, or {@code null} when another thread has it or it is not its turn
     */
    @Nullable Phase claim() {
        if (phase != Phase.PENDING && phase != Phase.READY) {
            return null;
        }
        Phase claimed = phase;
        runner = Thread.currentThread();
        enter(claimed == Phase.PENDING ? Phase.PREPARING : Phase.RUNNING);
        return claimed;
    }

    void enter(Phase next) {
        phase = next;
        stepStartNanos = ticker.read(); // a step's user code (processor, handler, listener) is timed from here
        notifyAll();
    }

    long stepStartNanos() {
        return stepStartNanos;
    }

    @Nullable Thread runner() {
        return runner;
    }

    /** The runner lets go: a retry pause begins, until {@code resumeAt}; no thread waits through it. */
    void backOff(long resumeAt) {
        runner = null;
        resumeAtNanos = resumeAt;
        enter(Phase.BACKING_OFF);
    }

    /**
     * Arms the timer that ends the retry pause {@link #backOff} began, {@code pauseNanos} from now.
     * Called without the monitor (the scheduler is user code).
     */
    void resumeAfter(long pauseNanos) {
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

    /** Ends a retry pause: the drain goes back to the executor, unless it was taken over meanwhile. */
    private void resume() {
        synchronized (this) {
            if (phase != Phase.BACKING_OFF) {
                return;
            }
            resumeTimer = null;
            waitingSinceNanos = ticker.read();
            enter(Phase.READY);
        }
        context.submit(drain, partition);
    }

    /** The runner settled everything. */
    void finishByRunner() {
        runner = null;
        enter(Phase.FINISHED);
    }

    /** Ends the drain from any thread; returns the retry timer to cancel (outside the monitor), if any. */
    Scheduler.@Nullable Cancellable finishFromOutside() {
        Scheduler.Cancellable timer = resumeTimer;
        resumeTimer = null;
        enter(Phase.FINISHED);
        return timer;
    }

    /** The drain was reported and its partition released it: waiters may return. */
    void released() {
        released = true;
        notifyAll();
    }

    long closeDeadlineNanos() {
        return closeDeadlineNanos;
    }

    /**
     * How long sealing the table may wait for writers still inside it: the timeout, and no longer
     * than the close deadline leaves. Caller holds the monitor.
     */
    long sealPatience() {
        return closeDeadlineNanos == DeliveryDecision.NO_DEADLINE
                ? timeoutNanos
                : Math.min(timeoutNanos, Math.max(0, closeDeadlineNanos - ticker.read()));
    }

    /** The buffer closes: no retry pause may end after {@code deadlineNanos}. Takes the monitor. */
    synchronized void closeBy(long deadlineNanos) {
        closeDeadlineNanos = deadlineNanos;
    }

    // ---- waiting, for flush and close; these take the monitor ------------------------------

    /**
     * Waits until the drain has finished or cannot move now: a step (a call, the ordering) has run
     * past the timeout, or a chunk waits for its retry. A drain no thread runs yet is run on a
     * thread of its own first: an executor that stopped taking work must not strand a retired table.
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
                    if (released) {
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
                            context.threads().start("drain", drain); // it waits for this monitor, then runs
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
     * Called by a tick that found the drain still in flight: if no thread has run it for a
     * processing timeout (the executor took it, but never runs it), runs it on a thread of its own.
     */
    void startIfNeglected() {
        synchronized (this) {
            if ((phase != Phase.PENDING && phase != Phase.READY) || ticker.read() - waitingSinceNanos < timeoutNanos) {
                return;
            }
            waitingSinceNanos = ticker.read(); // at most one thread per timeout
        }
        context.threads().start("drain", drain);
    }

    /**
     * For a closing buffer: runs the drain whenever no other thread has it, on a thread of its own
     * (so that the caller can still hand the rest over at the budget's end), ending retry pauses
     * as they run out, until it finishes or {@code handOverAtNanos} comes.
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
                    if (released) {
                        return true;
                    }
                    if (handOverAtNanos - now <= 0) {
                        return false;
                    }
                    long wait = handOverAtNanos - now;
                    if (phase == Phase.PENDING || phase == Phase.READY) {
                        takeOver = true;
                    } else if (phase == Phase.BACKING_OFF) {
                        long pauseLeft = resumeAtNanos - now;
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
                    context.threads().start("final-drain", drain);
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

    /** Whether a step (a call, the ordering) has run past the timeout and not returned. */
    synchronized boolean isStuck() {
        return phase != Phase.PENDING && phase != Phase.READY && phase != Phase.BACKING_OFF && !released
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
}

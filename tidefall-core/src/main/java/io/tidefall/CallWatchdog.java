package io.tidefall;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * Interrupts a drain's processor call that runs past {@code processingTimeout}: one timer per
 * call, armed just before it and cancelled when it returns. The runner learns afterwards, from
 * {@link #takeFired()}, that the interrupt was the watchdog's, so the call counts as timed out
 * whatever the call's own clock says (the timer was armed a moment before that clock started).
 *
 * <p>Its fields are guarded by the monitor of the drain's {@link DrainState}: the methods marked
 * "caller holds the monitor" are called under it; a timer that fires takes it.
 */
final class CallWatchdog {

    private final BufferContext<?> context;
    private final DrainState state;
    private final int partition;
    private final long timeoutNanos;

    // Guarded by state.
    /** The call under way (or the last one); a timer of an earlier call finds another id and does nothing. */
    private long callId;
    /** The watchdog interrupted the runner, or a close did: the interrupt was meant for the call. */
    private boolean fired;

    CallWatchdog(BufferContext<?> context, DrainState state, int partition, long timeoutNanos) {
        this.context = context;
        this.state = state;
        this.partition = partition;
        this.timeoutNanos = timeoutNanos;
    }

    /** The id of the next call. Caller holds the monitor. */
    long nextCall() {
        return callId + 1;
    }

    /** Arms the timer of call {@code id}; called without the monitor (the scheduler is user code). */
    Scheduler.@Nullable Cancellable arm(long id) {
        return context.schedule(Duration.ofNanos(timeoutNanos), () -> timedOut(id));
    }

    /** Call {@code id} begins. Caller holds the monitor. */
    void calling(long id) {
        callId = id;
    }

    /**
     * Whether the call that just returned was interrupted for overrunning; clears that interrupt
     * from the runner, whose next task must not see it. Caller holds the monitor.
     */
    boolean takeFired() {
        boolean wasFired = fired;
        if (wasFired) {
            fired = false;
            Thread.interrupted();
        }
        return wasFired;
    }

    /** Interrupts {@code runner}'s call. Caller holds the monitor, so the runner can tell afterwards that the flag is ours. */
    void interrupt(Thread runner) {
        fired = true;
        runner.interrupt();
    }

    /** The timer of call {@code id}: interrupts the runner if that call is still under way. */
    private void timedOut(long id) {
        synchronized (state) {
            Thread runner = state.runner();
            if (state.phase() == DrainState.Phase.CALLING && callId == id && runner != null) {
                interrupt(runner);
            }
        }
    }

    /** What a call that ran past the timeout and then threw counts as. */
    TimeoutException timeoutException(Throwable processorFailure) {
        TimeoutException timedOut = new TimeoutException("A processor call of buffer '" + context.name()
                + "' partition " + partition + " ran past processingTimeout "
                + Duration.ofNanos(timeoutNanos) + " and then failed");
        timedOut.initCause(processorFailure);
        return timedOut;
    }
}

package io.tidefall;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * When a close stops delivering and when it must be done, planned once from its budget and what
 * the buffer holds: every partition delivers until {@link #handOverAt}, hands what it still holds
 * to the failure handler until {@link #deadline}, and the closing thread waits for the handlers
 * until {@link #waitUntil}. Times are readings of the buffer's {@link Ticker}.
 *
 * <p>Delivery stops before the deadline so that handing the rest over fits in the budget: a fifth
 * of it up to 2 s, more when much is held (a failure handler that writes to disk takes its time
 * per element), but never more than half.
 */
record ClosePlan(long handOverAt, long deadline, long waitUntil) {

    /** The most of a close budget kept for handing undelivered elements over, unless much is held. */
    static final long HAND_OVER_RESERVE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /**
     * What handing one element over is assumed to take when a close plans its reserve: the
     * starter's dead-letter store writes 50,000 to 250,000 elements a second (JSON, one file and one
     * fsync per batch) on a quiet machine, cold and warm, and far fewer on a busy one at shutdown,
     * its code not yet compiled; this errs on the slow side.
     */
    static final long HAND_OVER_NANOS_PER_ELEMENT = TimeUnit.MICROSECONDS.toNanos(50);
    /** How long close() waits past its budget for a failure handler that is still busy. */
    static final long HANDLER_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * @param budget what the close may take; not negative
     * @param now    the ticker's reading when the close starts
     * @param held   the elements not yet settled: in the write tables and in the drains
     */
    static ClosePlan of(Duration budget, long now, long held) {
        long budgetNanos = saturatedNanos(budget);
        long deadline = now + budgetNanos;
        long reserve = Math.max(Math.min(budgetNanos / 5, HAND_OVER_RESERVE_NANOS),
                Math.min(budgetNanos / 2, saturatedProduct(held, HAND_OVER_NANOS_PER_ELEMENT)));
        return new ClosePlan(deadline - reserve, deadline, deadline + HANDLER_GRACE_NANOS);
    }

    /** A budget of centuries is as good as forever; capped so that adding it to a reading cannot overflow. */
    private static long saturatedNanos(Duration duration) {
        try {
            return Math.min(duration.toNanos(), Long.MAX_VALUE / 4);
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 4;
        }
    }

    private static long saturatedProduct(long count, long nanosEach) {
        return count > Long.MAX_VALUE / 4 / nanosEach ? Long.MAX_VALUE / 4 : count * nanosEach;
    }
}

package io.tidefall;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.jspecify.annotations.Nullable;

/**
 * Logs what went wrong with a buffer's deliveries without flooding the log, and without losing
 * count: each kind of event (retried, dead-lettered, lost) gets at most one line per ten seconds
 * per buffer, and each line gives the exact number of elements since the previous line of its
 * kind, per partition, and the total since the buffer was built. A count that arrives inside the
 * interval is written when the interval ends (a timer is armed for it), not when the next event
 * happens, which may be never; {@link #close()} writes what the last interval still holds, so a
 * shutdown's losses reach the log too. Retried elements are counted once each, however often
 * they are retried (the drain tells only the first retry of an element).
 *
 * <p>Counts are added by drain threads and closing threads; a line is written by whichever thread
 * wins the compare-and-set of its kind's due time: a counting thread, or the timer. A count added
 * while a line is being written goes into that line or the next one, never into neither: a
 * counting thread that does not write a line arms the timer (at most one per kind, {@code armed}),
 * and the timer, once it has disarmed itself, writes if anything is pending and re-arms if it
 * finds the line not yet due.
 */
final class FailureLog {

    /** What became of the elements a line counts. */
    enum Kind {
        RETRIED(System.Logger.Level.WARNING, "failed and will be retried"),
        FAILED(System.Logger.Level.WARNING, "went to the failure handler"),
        LOST(System.Logger.Level.ERROR, "were lost");

        private final System.Logger.Level level;
        private final String what;

        Kind(System.Logger.Level level, String what) {
            this.level = level;
            this.what = what;
        }
    }

    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final System.Logger log;
    private final String buffer;
    private final Ticker ticker;
    private final Scheduler scheduler;
    private final Tally[] tallies = new Tally[Kind.values().length];

    FailureLog(System.Logger log, String buffer, int partitions, Ticker ticker, Scheduler scheduler) {
        this.log = log;
        this.buffer = buffer;
        this.ticker = ticker;
        this.scheduler = scheduler;
        for (Kind kind : Kind.values()) {
            tallies[kind.ordinal()] = new Tally(partitions, ticker.read());
        }
    }

    /** Counts {@code count} elements of {@code partition}; writes a line if one is due, else makes sure one will be. */
    void count(Kind kind, int partition, long count, String why, @Nullable Throwable cause) {
        if (count == 0) {
            return;
        }
        Tally tally = tallies[kind.ordinal()];
        tally.why = why;
        tally.cause = cause;
        // The total first: a line that sums this count (another thread may write it at once) then reads
        // a total that includes it, so "since start" is never less than what the lines have said.
        tally.total.addAndGet(count);
        tally.sinceLine.addAndGet(partition, count);
        if (!writeIfDue(kind, tally)) {
            arm(kind, tally);
        }
    }

    private boolean writeIfDue(Kind kind, Tally tally) {
        long now = ticker.read();
        long due = tally.nextLineAt.get();
        if (now - due >= 0 && tally.nextLineAt.compareAndSet(due, now + INTERVAL_NANOS)) {
            write(kind, tally, tally.why, tally.cause);
            return true;
        }
        return false;
    }

    /** Arms the timer that writes the pending count of {@code kind} when its line is due. */
    private void arm(Kind kind, Tally tally) {
        if (!tally.armed.compareAndSet(false, true)) {
            return;
        }
        long delay = Math.max(0, tally.nextLineAt.get() - ticker.read());
        try {
            scheduler.schedule(Duration.ofNanos(delay), () -> {
                tally.armed.set(false);
                if (tally.pending() > 0 && !writeIfDue(kind, tally)) {
                    arm(kind, tally);
                }
            });
        } catch (Throwable refused) {
            tally.armed.set(false); // shutting down: close() writes what is pending
        }
    }

    /** Writes a line for every kind that counted something since its last line. */
    void close() {
        for (Kind kind : Kind.values()) {
            write(kind, tallies[kind.ordinal()], "at close", null);
        }
    }

    private void write(Kind kind, Tally tally, String why, @Nullable Throwable cause) {
        StringBuilder partitions = new StringBuilder();
        long sum = 0;
        for (int p = 0; p < tally.sinceLine.length(); p++) {
            long n = tally.sinceLine.getAndSet(p, 0);
            if (n > 0) {
                partitions.append(partitions.length() == 0 ? "" : ", ").append("partition ").append(p).append(": ").append(n);
                sum += n;
            }
        }
        if (sum == 0) {
            return;
        }
        log.log(kind.level, "Buffer '" + buffer + "': " + sum + " element(s) " + kind.what + " (" + partitions
                + "; " + tally.total.get() + " since start), last: " + why, cause);
    }

    private static final class Tally {
        final AtomicLongArray sinceLine;
        final AtomicLong total = new AtomicLong();
        final AtomicLong nextLineAt;
        /** Whether a timer will write this kind's pending count. */
        final AtomicBoolean armed = new AtomicBoolean();
        /** The last event's description and cause, for the line (a racy read names one of the recent events). */
        volatile String why = "";
        volatile @Nullable Throwable cause;

        Tally(int partitions, long now) {
            sinceLine = new AtomicLongArray(partitions);
            nextLineAt = new AtomicLong(now);
        }

        long pending() {
            long sum = 0;
            for (int p = 0; p < sinceLine.length(); p++) {
                sum += sinceLine.get(p);
            }
            return sum;
        }
    }
}

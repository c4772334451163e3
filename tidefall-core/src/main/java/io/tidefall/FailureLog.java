package io.tidefall;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.jspecify.annotations.Nullable;

/**
 * Logs what went wrong with a buffer's deliveries without flooding the log, and without losing
 * count: each kind of event (retried, dead-lettered, lost) gets at most one line per ten seconds
 * per buffer, and each line gives the exact number of elements since the previous line of its
 * kind, per partition, and the total since the buffer was built. So the lines add up to the
 * counters and meters, and {@link #close()} writes what the last interval still holds, so that a
 * shutdown's losses reach the log too.
 *
 * <p>Counts are added by drain threads and closing threads; a line is written by whichever thread
 * wins the compare-and-set of its kind's due time. A count added while a line is being written
 * goes into that line or the next one, never into neither.
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
    private final Tally[] tallies = new Tally[Kind.values().length];

    FailureLog(System.Logger log, String buffer, int partitions, Ticker ticker) {
        this.log = log;
        this.buffer = buffer;
        this.ticker = ticker;
        for (Kind kind : Kind.values()) {
            tallies[kind.ordinal()] = new Tally(partitions, ticker.read());
        }
    }

    /** Counts {@code count} elements of {@code partition}; writes a line if one is due. */
    void count(Kind kind, int partition, long count, String why, @Nullable Throwable cause) {
        Tally tally = tallies[kind.ordinal()];
        tally.sinceLine.addAndGet(partition, count);
        tally.total.addAndGet(count);
        long now = ticker.read();
        long due = tally.nextLineAt.get();
        if (now - due >= 0 && tally.nextLineAt.compareAndSet(due, now + INTERVAL_NANOS)) {
            write(kind, tally, why, cause);
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

        Tally(int partitions, long now) {
            sinceLine = new AtomicLongArray(partitions);
            nextLineAt = new AtomicLong(now);
        }
    }
}

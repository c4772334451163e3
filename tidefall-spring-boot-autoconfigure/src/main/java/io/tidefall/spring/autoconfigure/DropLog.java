package io.tidefall.spring.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.tidefall.BufferListener;

/**
 * Logs the writes a buffer discards ({@code overflow: drop}) at WARN, at most one line per buffer
 * every {@link #INTERVAL}, each with the exact count since the previous line and the total; what
 * is left unreported when a partition stops is reported then, so the totals add up.
 *
 * <p>Threads: drops are reported by writer threads, concurrently. Per buffer, {@code unreported}
 * and {@code total} are atomic counters and {@code nextLine} is claimed by compare-and-set, so
 * exactly one thread writes each line, and every drop is counted in exactly one line (the line's
 * count is taken with {@code getAndSet(0)}).
 */
class DropLog implements BufferListener {

    static final Duration INTERVAL = Duration.ofSeconds(10);

    private static final Log logger = LogFactory.getLog(DropLog.class);

    private final LongSupplier nanoTime;
    private final Map<String, Counts> buffers = new ConcurrentHashMap<>();

    DropLog() {
        this(System::nanoTime);
    }

    DropLog(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Override
    public void elementsDropped(String buffer, int partition, long count, String reason) {
        Counts counts = this.buffers.computeIfAbsent(buffer, name -> new Counts(this.nanoTime.getAsLong()));
        counts.unreported.addAndGet(count);
        counts.total.addAndGet(count);
        long now = this.nanoTime.getAsLong();
        long due = counts.nextLine.get();
        if (now - due >= 0 && counts.nextLine.compareAndSet(due, now + INTERVAL.toNanos())) {
            report(buffer, counts, reason);
        }
    }

    @Override
    public void partitionStopped(String buffer, int partition) {
        Counts counts = this.buffers.get(buffer);
        if (counts != null) {
            report(buffer, counts, "overflow");
        }
    }

    private static void report(String buffer, Counts counts, String reason) {
        long dropped = counts.unreported.getAndSet(0);
        if (dropped > 0) {
            logger.warn("Tidefall buffer '" + buffer + "' dropped " + dropped + (dropped == 1 ? " write" : " writes")
                    + " (" + reason + ") since its previous report, " + counts.total.get() + " in total: it is at capacity"
                    + " with overflow: drop. Raise capacity, drain more often, or choose overflow: block.");
        }
    }

    private static final class Counts {

        final AtomicLong unreported = new AtomicLong();
        final AtomicLong total = new AtomicLong();
        /** When the next line may be written: the first drop is reported at once. */
        final AtomicLong nextLine;

        Counts(long now) {
            this.nextLine = new AtomicLong(now);
        }
    }
}

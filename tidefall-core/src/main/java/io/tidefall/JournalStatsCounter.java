package io.tidefall;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The journal's counters, each written on its own by whoever does what it counts. */
final class JournalStatsCounter {

    /** Bytes of every live segment, reserved by writers before they write (the journal's limit). */
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong segments = new AtomicLong();
    final AtomicLong replayed = new AtomicLong();
    final AtomicLong tornTails = new AtomicLong();
    final AtomicLong damaged = new AtomicLong();
    final LongAdder syncs = new LongAdder();
    final LongAdder syncNanos = new LongAdder();
    /** Records that could not be written or forced, and segments that could not be created: cold paths only. */
    final LongAdder writeFailures = new LongAdder();

    void synced(long nanos) {
        syncs.increment();
        syncNanos.add(nanos);
    }
}

package io.tidefall.spring;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.tidefall.Buffer;
import io.tidefall.BufferListener;

/**
 * What one buffer's flush did: {@code delivered} elements reached the processor, {@code failed}
 * ones did not (lost to an exception or a timeout, and handed to the failure handler). Counts every
 * drain that ended while the flush ran, so a tick that drained concurrently is included.
 *
 * @param delivered elements whose processor call returned normally
 * @param failed elements not delivered by the end of their drain
 */
public record FlushOutcome(long delivered, long failed) {

    /** Flushes {@code buffer} and counts the drains that ended meanwhile. */
    static FlushOutcome of(Buffer buffer) {
        Counter counter = new Counter();
        buffer.addListener(counter);
        try {
            buffer.flush();
        } finally {
            buffer.removeListener(counter);
        }
        return new FlushOutcome(counter.delivered.get(), counter.failed.get());
    }

    /** This outcome and {@code other} added up. */
    public FlushOutcome plus(FlushOutcome other) {
        return new FlushOutcome(this.delivered + other.delivered, this.failed + other.failed);
    }

    /** Whether nothing failed. */
    public boolean clean() {
        return this.failed == 0;
    }

    /** Drains end on the drain threads; the flush reads the totals after they have ended. */
    private static final class Counter implements BufferListener {

        final AtomicLong delivered = new AtomicLong();
        final AtomicLong failed = new AtomicLong();

        @Override
        public void drainCompleted(String buffer, int partition, int size, int failed, boolean timedOut, Duration duration) {
            this.delivered.addAndGet(size - failed);
            this.failed.addAndGet(failed);
        }
    }
}

package io.tidefall;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs lost elements without flooding the log: at most one line per interval for a buffer, which
 * says how many failures it stands for. A processor that fails on every chunk of a busy buffer
 * still writes one line every ten seconds, never one per element or chunk.
 */
final class FailureLog {

    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final System.Logger log;
    private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    FailureLog(System.Logger log) {
        this.log = log;
    }

    void lost(String buffer, int partition, int count, String why, Throwable cause) {
        long now = System.nanoTime();
        long due = nextLineAt.get();
        if (now - due < 0 || !nextLineAt.compareAndSet(due, now + INTERVAL_NANOS)) {
            suppressed.incrementAndGet();
            return;
        }
        long others = suppressed.getAndSet(0);
        log.log(System.Logger.Level.WARNING, "Buffer '" + buffer + "' partition " + partition + " lost " + count
                + " element(s): " + why
                + (others > 0 ? " (and " + others + " more failure(s) in this buffer since the last line)" : ""), cause);
    }
}

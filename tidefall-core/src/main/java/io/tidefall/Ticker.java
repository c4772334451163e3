package io.tidefall;

/**
 * The engine's clock: every moment a buffer computes with (retry pauses, delivery deadlines,
 * processor timeouts, close budgets, how long a writer has blocked) is read from it, so that tests
 * can run timing logic on a clock they move themselves.
 *
 * <p>Waits that pass real time (a thread parked until a timer is due, a seal spinning on its
 * patience) measure it with {@link System#nanoTime()} whatever the ticker says: a clock that only
 * a test moves must not turn them into endless waits.
 */
@FunctionalInterface
public interface Ticker {

    /**
     * Nanoseconds from an arbitrary origin, as {@link System#nanoTime()}: only differences between
     * two readings mean anything. Never decreases.
     */
    long read();

    /** Wall-clock time in epoch milliseconds, for moments shown to people ("retrying since"). */
    default long wallMillis() {
        return System.currentTimeMillis();
    }

    /** {@link System#nanoTime()} and {@link System#currentTimeMillis()}; the same instance every call. */
    static Ticker system() {
        return System::nanoTime;
    }
}

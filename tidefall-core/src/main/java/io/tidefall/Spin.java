package io.tidefall;

import java.util.concurrent.locks.LockSupport;

/** Waiting for another thread to finish a step that takes nanoseconds, or rarely, a time slice. */
final class Spin {

    private Spin() {
    }

    /**
     * Pauses once, more politely the longer the wait has lasted: the other thread may have been
     * descheduled between two of its steps, and then only yielding the core lets it finish; after
     * about a thousand pauses, each parks for 0.1 ms.
     *
     * @return the new spin count to pass next time
     */
    static int pause(int spins) {
        if (spins < 64) {
            Thread.onSpinWait();
        } else if (spins < 1_024) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(PARK_NANOS); // long enough that something is really wrong: stop burning a core
        }
        return spins == Integer.MAX_VALUE ? spins : spins + 1;
    }

    private static final long PARK_NANOS = 100_000;
}

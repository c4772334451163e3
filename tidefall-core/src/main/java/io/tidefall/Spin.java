package io.tidefall;

/** Waiting for another thread to finish a step that takes nanoseconds, or rarely, a time slice. */
final class Spin {

    private Spin() {
    }

    /**
     * Pauses once, more politely the longer the wait has lasted: the other thread may have been
     * descheduled between two of its steps, and then only yielding the core lets it finish.
     *
     * @return the new spin count to pass next time
     */
    static int pause(int spins) {
        if (spins < 64) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
        return spins + 1;
    }
}

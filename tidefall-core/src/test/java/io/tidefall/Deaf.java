package io.tidefall;

import java.util.concurrent.CountDownLatch;

/** For processors that ignore the timeout's interrupt, as some blocking drivers do. */
final class Deaf {

    private Deaf() {
    }

    /** Waits until {@code latch} opens, whatever interrupts arrive meanwhile. */
    static void await(CountDownLatch latch) {
        while (latch.getCount() > 0) {
            try {
                latch.await();
            } catch (InterruptedException ignored) {
                // deaf to it: carries on waiting
            }
        }
    }
}

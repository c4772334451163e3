package io.tidefall;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Makes a table that cannot seal itself (such as a {@code ConcurrentHashMap}) sealable without a
 * lock shared by its writers: each writer registers in one of several striped counters for the
 * duration of its write, and sealing waits until every stripe is empty.
 *
 * <p>Correctness is a Dekker handshake between two volatile accesses on each side, which the
 * Java memory model orders totally (synchronization order):
 * <pre>
 *   writer: stripe++ (volatile RMW)  then  read sealed   -> if sealed: stripe--, retry elsewhere
 *   sealer: sealed = true (volatile)  then  read stripes -> wait until each is 0
 * </pre>
 * Either the writer's increment comes first, and the sealer sees it and waits for the matching
 * decrement (which happens after the write, so the write is visible to the sealer), or the
 * sealer's store comes first, and the writer sees {@code sealed} and does not write. A stripe
 * read as zero after {@code sealed} was set can only rise again for writers that will see
 * {@code sealed} and back out, so checking stripes one after the other is enough.
 *
 * <p>The cost to a writer is two uncontended atomic additions on a cache line that, with
 * threads spread over stripes, it rarely shares. A writer increments and decrements the
 * <em>same</em> stripe: balanced pairs per stripe are what makes "zero" mean "no one inside".
 */
final class WriterGuard {

    /** Longs between two stripes, so that each stripe has a 128-byte cache-line pair of its own. */
    private static final int PADDING = 16;
    private static final int STRIPES = stripeCount();

    /**
     * Stripe {@code k} is at index {@code (k + 1) * PADDING}: one padding block before the first
     * stripe and one after the last, so that no stripe shares a cache line with the array's
     * header (whose length every access reads), with this guard's {@code sealed} (allocated just
     * before the array, and read by every writer) or with whatever is allocated after it.
     */
    private final AtomicLongArray stripes = new AtomicLongArray((STRIPES + 2) * PADDING);

    /** Written once by the sealer; read by every writer after registering. */
    private volatile boolean sealed;

    /**
     * Registers the calling thread as writing.
     *
     * @return the slot to pass to {@link #exit(int)}, or {@code -1} if the table is sealed (the
     *     caller must not write, and must not call {@code exit})
     */
    int enter() {
        int slot = slotOfCurrentThread();
        stripes.getAndIncrement(slot);
        if (sealed) {
            stripes.getAndDecrement(slot);
            return -1;
        }
        return slot;
    }

    void exit(int slot) {
        stripes.getAndDecrement(slot);
    }

    /** Refuses later writers and waits until the ones inside have left. Called once. */
    void seal() {
        sealed = true;
        for (int slot = PADDING; slot <= STRIPES * PADDING; slot += PADDING) {
            int spins = 0;
            while (stripes.get(slot) != 0) {
                spins = Spin.pause(spins);
            }
        }
    }

    private static int slotOfCurrentThread() {
        // Thread ids are sequential; the multiplication spreads neighbours over the stripes.
        @SuppressWarnings("deprecation") // Thread.threadId() arrives in Java 19; this is Java 17
        long id = Thread.currentThread().getId();
        int spread = (int) ((id * 0x9E3779B97F4A7C15L) >>> 32);
        return ((spread & (STRIPES - 1)) + 1) * PADDING;
    }

    private static int stripeCount() {
        int wanted = Math.min(64, 2 * Runtime.getRuntime().availableProcessors());
        return Integer.highestOneBit(Math.max(2, wanted - 1) << 1);
    }
}

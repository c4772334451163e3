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
     * Written once, by a sealer that stopped waiting for writers still inside; read by every
     * writer as it leaves. A writer that reads it {@code true} learns that the sealer may have
     * read the table without its write, and must not return normally.
     */
    private volatile boolean abandoned;

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

    /**
     * Deregisters the calling thread.
     *
     * @return {@code false} when the sealer gave up waiting for this writer: what it wrote may or
     *     may not be drained, so its call must throw rather than return normally
     */
    boolean exit(int slot) {
        stripes.getAndDecrement(slot);
        // Dekker again: decrement, then read `abandoned`; the sealer writes `abandoned`, then reads
        // every stripe. If this read sees false, the decrement came first in synchronization order,
        // and the sealer's later read of this stripe synchronizes with it, so the write is visible.
        return !abandoned;
    }

    /**
     * Refuses later writers and waits until the ones inside have left, for at most
     * {@code patienceNanos}. Called once.
     *
     * @return {@code true} when every writer left in time; {@code false} when some were still
     *     inside (a key whose {@code hashCode} or {@code equals} hangs, say): they are abandoned,
     *     and each learns it from {@link #exit(int)}
     */
    boolean seal(long patienceNanos) {
        sealed = true;
        long start = System.nanoTime();
        for (int slot = PADDING; slot <= STRIPES * PADDING; slot += PADDING) {
            int spins = 0;
            while (stripes.get(slot) != 0) {
                if (System.nanoTime() - start >= patienceNanos) {
                    abandoned = true;
                    for (int s = PADDING; s <= STRIPES * PADDING; s += PADDING) {
                        stripes.get(s); // see exit(): pairs with the decrement of every writer that saw `abandoned` false
                    }
                    return false;
                }
                spins = Spin.pause(spins);
            }
        }
        return true;
    }

    /** Whether a seal gave up waiting for writers inside; read by writers that took no guard (see {@code MapTable}). */
    boolean gaveUp() {
        return abandoned;
    }

    /** Writers inside now; after a seal that gave up, the ones it abandoned (some may have left since). */
    long inside() {
        long count = 0;
        for (int slot = PADDING; slot <= STRIPES * PADDING; slot += PADDING) {
            count += stripes.get(slot);
        }
        return count;
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

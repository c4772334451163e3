package io.tidefall;

import java.util.List;

/**
 * What the partition engine needs from a table; everything else (what a write does, how the
 * contents turn into elements) belongs to the buffer type that owns the table's shape.
 *
 * <p>Lifecycle, driven by {@link Partition}: writers add to a table while it is the partition's
 * write table. After the swap exactly one drain thread calls {@link #seal()} and then
 * {@link #drain()}, once each.
 *
 * @param <E> the element type the processor receives
 */
interface WriteTable<E> {

    /** A write's result: it changed the table. */
    int WRITTEN = 1;
    /** A write's result: nothing to change (a stale {@code putNewer}, a {@code delete} of an absent key). */
    int UNCHANGED = 0;
    /** A write's result: the table is sealed; nothing changed; retry on the partition's fresh table. */
    int SEALED = -1;
    /** A write's result: the table holds its capacity; nothing changed. */
    int FULL = -2;

    /** Elements written so far; cheap, read by ticks and {@code bufferSize()} while writers run. */
    long size();

    /**
     * Refuses every further write (the writer sees the refusal and retries on the partition's
     * fresh table) and returns once every write that was accepted is visible to the caller. After
     * it returns the contents never change again.
     */
    void seal();

    /** The sealed contents in delivery order, as a list the engine hands out and never reuses. */
    List<E> drain();
}

package io.tidefall;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the partition engine needs from a table; everything else (what a write does, how the
 * contents turn into elements) belongs to the buffer type that owns the table's shape.
 *
 * <p>Lifecycle, driven by {@link Partition}: writers add to a table while it is the partition's
 * write table. After the swap exactly one drain thread calls {@link #seal(long)} and then
 * {@link #drain()}, once each.
 *
 * @param <E> the element type the processor receives
 */
interface WriteTable<E> {

    /** Elements written so far; cheap, read by ticks and {@code bufferSize()} while writers run. */
    long size();

    /**
     * Refuses every further write: from its return on, a writer sees the refusal and retries on
     * the partition's fresh table. Writes already under way are decided too: each one is either
     * accepted (it will be in {@link #drain()}) or refused. Whether it is <em>complete</em> is for
     * {@code seal} or {@code drain} to wait for, whichever the table's shape makes cheaper: a
     * queue table seals with one atomic addition and its drain waits for the stores it counted; a
     * map table's seal waits for the writers inside the map. A table whose writers run user code
     * while they write (a key's {@code hashCode} and {@code equals}) waits for them at most
     * {@code patienceNanos}: a write still under way then is abandoned, and throws when it ends, so
     * that nothing it did is promised.
     *
     * @return whether every write under way finished in time
     */
    boolean seal(long patienceNanos);

    /** {@link #seal(long)} with no limit on the wait (the engine seals only fresh tables so). */
    default void seal() {
        seal(Long.MAX_VALUE);
    }

    /**
     * The sealed contents in push order, as a list the engine hands out and never reuses; called
     * once, after {@link #seal(long)}. Returns once every write the seal accepted is complete and
     * visible to the caller. Writes accepted before the seal are all in it, except those whose
     * writer threw or was abandoned.
     */
    List<E> drain();

    /**
     * The journal segment of this table, for a durable buffer; {@code null} otherwise. Attached
     * once, before the table is published to writers (the partition's volatile store of it).
     */
    @Nullable JournalSegment journalSegment();

    void journalTo(JournalSegment segment);

    /** Writes the seal or the drain gave up on: their writers threw or were told so. */
    default long abandoned() {
        return 0;
    }
}

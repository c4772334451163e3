package io.tidefall;

/**
 * What one write into a table came to. A table answers with one of the first five; the writer
 * protocol ({@link PartitionedBuffer#write}) acts on them, and answers its caller with
 * {@link #WRITTEN}, {@link #FILLED}, {@link #UNCHANGED} or {@link #DROPPED}.
 */
enum WriteResult {
    /** It changed the table. */
    WRITTEN,
    /** It changed the table, which now holds its capacity: drain it at once. */
    FILLED,
    /** Nothing to change: a stale {@code putNewer}, a {@code delete} of an absent key. */
    UNCHANGED,
    /** The table is sealed and nothing changed: retry on the partition's fresh table. */
    SEALED,
    /** The table holds its capacity and nothing changed: the overflow policy decides. */
    FULL,
    /** The overflow policy DROP dropped the write (never a table's answer). */
    DROPPED;

    /** Whether the write is in the table: it will reach the processor or the failure handler. */
    boolean accepted() {
        return this == WRITTEN || this == FILLED;
    }
}

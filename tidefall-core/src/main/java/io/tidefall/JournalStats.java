package io.tidefall;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * A durable buffer's write-ahead journal, as it stands.
 *
 * @param durability what a write that returned survives
 * @param directory where the journal's segments are
 * @param bytes bytes of the preallocated parts of the segments not yet settled
 * @param limitBytes the most bytes the journal holds; a full journal is a full buffer
 * @param segments segments not yet settled (one per table that accepted writes and is not yet delivered)
 * @param replayedRecords records replayed into the buffer when it was built
 * @param tornTails segments replayed with frames a crash left unfinished (their writes never returned), skipped
 * @param damagedSegments segments with a damaged record before their end, moved aside (never deleted)
 * @param syncs forces made (durability SYNC); each covers a group of writes
 * @param syncNanos the time those forces took, in total
 * @param writeFailures writes refused because their record could not be written or forced, and
 *     segments that could not be created, in total
 * @param writeFailure why the journal cannot take writes now (a live segment could not be written or
 *     forced, or the last segment could not be created), or {@code null} when it can
 */
public record JournalStats(Durability durability, Path directory, long bytes, long limitBytes, long segments,
        long replayedRecords, long tornTails, long damagedSegments, long syncs, long syncNanos, long writeFailures,
        @Nullable String writeFailure) {

    /** Stats of a journal that has not failed a write. */
    public JournalStats(Durability durability, Path directory, long bytes, long limitBytes, long segments,
            long replayedRecords, long tornTails, long damagedSegments, long syncs, long syncNanos) {
        this(durability, directory, bytes, limitBytes, segments, replayedRecords, tornTails, damagedSegments, syncs,
                syncNanos, 0, null);
    }
}

package io.tidefall.spring.actuate;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.tidefall.Buffer;
import io.tidefall.Durability;
import io.tidefall.JournalStats;
import io.tidefall.spring.BufferType;

/**
 * A durable buffer's write-ahead journal as the endpoint shows it.
 *
 * @param directory where the buffer's segments are
 * @param bytes bytes of the segments not settled yet
 * @param limitBytes the most bytes the journal holds ({@code journal-limit}); a full journal is a full buffer
 * @param segments segments not settled yet
 * @param replayed records replayed into the buffer when it was built
 * @param tornTails segments whose last record a crash had cut off, truncated on replay
 * @param damaged segments damaged before their end, moved into the journal's {@code damaged} folder
 * @param syncs forces to stable storage (durability {@code sync}), each covering a group of writes
 * @param writeFailures writes refused because the journal could not be written, in total
 * @param writeFailure why the journal refuses writes now, or {@code null} while it takes them
 */
public record JournalDescriptor(String directory, long bytes, long limitBytes, long segments, long replayed, long tornTails,
        long damaged, long syncs, long writeFailures, @Nullable String writeFailure) {

    /** The journal of {@code buffer}, or {@code null} for a {@code memory} buffer. */
    static @Nullable JournalDescriptor of(Buffer buffer) {
        JournalStats stats = BufferType.journalStats(buffer).orElse(null);
        if (stats == null) {
            return null;
        }
        return new JournalDescriptor(stats.directory().toString(), stats.bytes(), stats.limitBytes(), stats.segments(),
                stats.replayedRecords(), stats.tornTails(), stats.damagedSegments(), stats.syncs(), stats.writeFailures(),
                stats.writeFailure());
    }

    /** What a write that returned survives, as configuration writes it: {@code memory}, {@code process} or {@code sync}. */
    static String durabilityOf(Buffer buffer) {
        return BufferType.journalStats(buffer).map(JournalStats::durability).orElse(Durability.MEMORY)
                .name().toLowerCase(Locale.ROOT);
    }
}

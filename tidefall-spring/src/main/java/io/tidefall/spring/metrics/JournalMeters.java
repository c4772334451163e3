package io.tidefall.spring.metrics;

import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import io.tidefall.Buffer;
import io.tidefall.JournalStats;
import io.tidefall.spring.BufferType;

/**
 * The meters of a durable buffer's write-ahead journal, each tagged {@code buffer}, read from its
 * {@link JournalStats} when the registry asks; a {@code memory} buffer has none:
 * <ul>
 *   <li>{@code tidefall.journal.bytes} (gauge): bytes of the segments not settled yet, against the
 *       buffer's {@code journal-limit};
 *   <li>{@code tidefall.journal.segments} (gauge): segments not settled yet;
 *   <li>{@code tidefall.journal.replayed} (function counter): records replayed into the buffer when
 *       it was built, from what a previous run accepted and did not deliver;
 *   <li>{@code tidefall.journal.damaged} (function counter): segments found damaged before their
 *       end on replay, moved aside into the journal's {@code damaged} folder (never deleted);
 *   <li>{@code tidefall.journal.sync} (function timer, durability {@code sync}): the forces made,
 *       each covering a group of writes, and the time they took in total. The journal keeps a count
 *       and a total, not each force, so this has a mean but no percentiles.
 * </ul>
 */
final class JournalMeters {

    static final String BYTES = TidefallMetrics.PREFIX + "journal.bytes";
    static final String SEGMENTS = TidefallMetrics.PREFIX + "journal.segments";
    static final String REPLAYED = TidefallMetrics.PREFIX + "journal.replayed";
    static final String DAMAGED = TidefallMetrics.PREFIX + "journal.damaged";
    static final String SYNC = TidefallMetrics.PREFIX + "journal.sync";

    private JournalMeters() {
    }

    /** Registers the journal meters of {@code buffer}, if it is durable. */
    static void register(MeterRegistry registry, String name, Buffer buffer) {
        if (BufferType.journalStats(buffer).isEmpty()) {
            return;
        }
        Gauge.builder(BYTES, buffer, held -> stat(held, JournalStats::bytes))
                .description("Bytes of the journal segments not settled yet")
                .baseUnit("bytes")
                .tag(TidefallMetrics.TAG_BUFFER, name)
                .strongReference(true)
                .register(registry);
        Gauge.builder(SEGMENTS, buffer, held -> stat(held, JournalStats::segments))
                .description("Journal segments not settled yet")
                .baseUnit("segments")
                .tag(TidefallMetrics.TAG_BUFFER, name)
                .strongReference(true)
                .register(registry);
        FunctionCounter.builder(REPLAYED, buffer, held -> stat(held, JournalStats::replayedRecords))
                .description("Journal records replayed into the buffer when it was built")
                .baseUnit("records")
                .tag(TidefallMetrics.TAG_BUFFER, name)
                .register(registry);
        FunctionCounter.builder(DAMAGED, buffer, held -> stat(held, JournalStats::damagedSegments))
                .description("Journal segments found damaged on replay and moved aside")
                .baseUnit("segments")
                .tag(TidefallMetrics.TAG_BUFFER, name)
                .register(registry);
        FunctionTimer.builder(SYNC, buffer, held -> (long) stat(held, JournalStats::syncs), held -> stat(held, JournalStats::syncNanos),
                        TimeUnit.NANOSECONDS)
                .description("Forces of the journal to stable storage (durability sync), each covering a group of writes")
                .tag(TidefallMetrics.TAG_BUFFER, name)
                .register(registry);
    }

    private static double stat(Buffer buffer, ToLongFunction<JournalStats> stat) {
        return BufferType.journalStats(buffer).map(stats -> (double) stat.applyAsLong(stats)).orElse(0.0);
    }
}

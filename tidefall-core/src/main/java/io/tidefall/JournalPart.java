package io.tidefall;

import java.nio.MappedByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * One mapped, preallocated region of a segment file: {@code [base, base + capacity)}.
 *
 * <p>Shared fields: {@code reserved} is the offset (within the part) of the next free byte,
 * advanced by every writer with one atomic addition; it may run past {@code capacity} (the
 * writers that found the part full), and the bytes between the last frame that fit and the end
 * stay zero. {@code next} is the part prepared ahead of need, written under the segment's grow
 * lock and read under it. {@code region} is written by the writer that reserved each range
 * only, and read by forces and (after a crash) by the replay.
 */
final class JournalPart {

    final int index;
    final long base;
    final int capacity;
    final MappedByteBuffer region;
    final AtomicLong reserved;
    /** Where a writer crossing it asks for the next part ahead of need. */
    final long half;
    @Nullable JournalPart next;

    JournalPart(int index, long base, int capacity, MappedByteBuffer region, int start) {
        this.index = index;
        this.base = base;
        this.capacity = capacity;
        this.region = region;
        this.reserved = new AtomicLong(start);
        this.half = capacity / 2;
    }

    /** Bytes of the region that writers reserved (what a force has to cover). */
    int used() {
        return (int) Math.min(reserved.get(), capacity);
    }

}

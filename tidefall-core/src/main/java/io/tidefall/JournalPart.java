package io.tidefall;

import java.nio.MappedByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * One mapped, preallocated region of a segment file: {@code [base, base + capacity)}.
 *
 * <p>Shared fields: {@code reserved} is the offset (within the part) of the next free byte,
 * advanced by every writer with one atomic addition; it may run past {@code capacity} (the
 * writers that found the part full), and the bytes between the last frame that fit and the end
 * stay zero, or hold the skip frame of the writer whose reservation crossed the end. {@link #fence}
 * adds {@link #FENCED} to it, so that every later reservation lands past the capacity.
 * {@code next} is the part prepared ahead of need, written under the segment's grow lock and read
 * under it. {@code successorClaimed}: whoever makes the part after this one (the journal's thread
 * ahead of need, or a writer that needs it) claims it first, so that only one thread writes the
 * zeros of that range. {@code region} is written by the writer that reserved each range only,
 * and read by forces, by the recycling scan and (after a crash) by the replay.
 */
final class JournalPart {

    /** Past any capacity (a part holds at most a 64 MiB frame), however many writers overran it before. */
    static final long FENCED = 1L << 48;

    final int index;
    final long base;
    final int capacity;
    final MappedByteBuffer region;
    final AtomicLong reserved;
    /** Where a writer crossing it asks for the next part ahead of need. */
    final long half;
    final int start;
    @Nullable JournalPart next;
    private final AtomicBoolean successorClaimed = new AtomicBoolean();

    JournalPart(int index, long base, int capacity, MappedByteBuffer region, int start) {
        this.index = index;
        this.base = base;
        this.capacity = capacity;
        this.region = region;
        this.reserved = new AtomicLong(start);
        this.half = capacity / 2;
        this.start = start;
    }

    /** Bytes of the region that writers reserved (what a force has to cover). */
    int used() {
        return (int) Math.min(reserved.get(), capacity);
    }

    /** Refuses every later reservation; returns where the reservations made before end (maybe past the capacity). */
    long fence() {
        return reserved.getAndAdd(FENCED);
    }

    boolean claimSuccessor() {
        return successorClaimed.compareAndSet(false, true);
    }

    void releaseSuccessor() {
        successorClaimed.set(false);
    }
}

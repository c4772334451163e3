package io.tidefall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * The journal of one write table: a preallocated, memory-mapped file that every write the table
 * accepted is framed into ({@link JournalFrame}), deleted once every element of the table has
 * settled. A write is two steps around the table's own: {@link #reserve} before (its bytes, by one
 * atomic addition on the current part; the answer {@code -1} is a full journal, so the overflow
 * policy applies before the table holds anything), then {@link #commit} (stores into the mapping,
 * no system call) or {@link #cancel} when the table refused the write.
 *
 * <p>Growth: when a frame does not fit the current part, the writer takes {@code growLock} and
 * installs the next part: the one prepared ahead (the writer crossing half of a part asks
 * {@code ahead} to make it, off the write path), or one it makes itself. Shared fields:
 * {@code current} and {@code parts} (volatile) are written under {@code growLock} only, parts
 * array before current, so a writer that reserved in the current part finds it in {@code parts};
 * {@code broken} (volatile) is set under {@code growLock} when a part could not be made, and
 * refuses every later write of the segment. {@code preparingAfter} names the part whose
 * successor the journal's thread is making, from the writer's request until the part is offered
 * or given up: a writer that meets the limit meanwhile looks again rather than calling the journal
 * full, since the bytes the limit has left may be the ones that part holds.
 *
 * <p>Sync ({@link #awaitForced}): {@code syncLock} (a {@link ReentrantLock}: a virtual thread
 * waiting here frees its carrier; no {@code synchronized} around a wait or a force) guards
 * {@code appended}, {@code forced}, {@code forcing}. A writer counts itself in after its frame was
 * committed, so a force that starts after that covers it. The first writer that finds no force
 * under way forces every part, with the lock released meanwhile, so the writers that come during
 * it form the next group; each waits on {@code forcedCondition} for a force that covers it, never
 * for a later one.
 *
 * <p>Deletion ({@link #delete}) comes after the table was sealed, drained and settled. A writer
 * whose element the table accepted may still be storing its frame then: the file is only
 * unlinked, never truncated or unmapped (Java 17 has no unmap), so the store lands in memory that
 * is released when the mapping is collected, as are the file's blocks.
 */
final class JournalSegment {

    /** Makes a part: the segment's file extended, its limit checked. {@code null}: the journal is full. */
    interface Parts {
        @Nullable JournalPart make(JournalFile file, int index, long base, int size) throws IOException;

        /** Gives a part that was made but not used back to the limit. */
        void release(JournalPart unused);
    }

    static final long FULL = -1;
    static final long SETTLED = -2;

    private final Path path;
    private final JournalFile file;
    private final Parts maker;
    private final Executor ahead;
    private final JournalStatsCounter stats;
    private final int partBytes;
    private final ReentrantLock growLock = new ReentrantLock();
    private volatile JournalPart current;
    private volatile JournalPart[] parts;
    private volatile @Nullable IOException broken;
    private final AtomicReference<@Nullable JournalPart> preparingAfter = new AtomicReference<>();
    private volatile boolean closed;

    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition forcedCondition = syncLock.newCondition();
    // Guarded by syncLock.
    private long appended;
    private long forced;
    private boolean forcing;
    private @Nullable IOException forceFailed;

    JournalSegment(Path path, JournalFile file, JournalPart first, Parts maker, Executor ahead, int partBytes,
            JournalStatsCounter stats) {
        this.path = path;
        this.file = file;
        this.current = first;
        this.parts = new JournalPart[] {first};
        this.maker = maker;
        this.ahead = ahead;
        this.partBytes = partBytes;
        this.stats = stats;
    }

    Path path() {
        return path;
    }

    JournalPart first() {
        return parts[0];
    }

    /**
     * Reserves a frame for a payload of {@code payloadLength} bytes.
     *
     * @return where ({@code part << 32 | offset}); {@link #FULL} when the journal is full;
     *     {@link #SETTLED} when the segment was deleted (its table is sealed and refuses the write)
     * @throws UncheckedIOException when the segment cannot grow (a full disk): nothing is reserved
     */
    long reserve(int payloadLength, String buffer) {
        int size = JournalFrame.size(payloadLength);
        for (;;) {
            if (closed) {
                return SETTLED;
            }
            JournalPart part = current;
            long at = part.reserved.getAndAdd(size);
            if (at + size <= part.capacity) {
                if (at <= part.half && at + size > part.half && part.capacity == partBytes) {
                    prepareAhead(part);
                }
                return ((long) part.index << 32) | at;
            }
            if (!grow(part, size, buffer)) {
                return FULL;
            }
        }
    }

    void commit(long slot, byte[] payload) {
        JournalFrame.commit(parts[(int) (slot >>> 32)].region, (int) slot, payload);
    }

    void cancel(long slot, int payloadLength) {
        JournalFrame.cancel(parts[(int) (slot >>> 32)].region, (int) slot, payloadLength);
    }

    /** Installs the part after {@code full}, unless another writer did. {@code false}: the journal is full. */
    private boolean grow(JournalPart full, int size, String buffer) {
        growLock.lock();
        try {
            if (broken != null) {
                throw failed(buffer, "could not grow", broken);
            }
            if (current != full || closed) {
                return true; // grown by another writer; or settled, which the next look sees
            }
            JournalPart next = full.next;
            if (next == null || next.capacity < size) {
                if (next != null) {
                    maker.release(next); // prepared, but too small for this frame
                }
                try {
                    next = maker.make(file, full.index + 1, full.base + full.capacity, Math.max(partBytes, size));
                } catch (IOException e) {
                    broken = e;
                    throw failed(buffer, "could not grow", e);
                }
                if (next == null) {
                    // At the limit; unless the part being made ahead holds what is left of it: look again once it is offered.
                    return preparingAfter.get() == full;
                }
            }
            JournalPart[] grown = Arrays.copyOf(parts, parts.length + 1);
            grown[next.index] = next;
            parts = grown;
            current = next;
            return true;
        } finally {
            growLock.unlock();
        }
    }

    /** Asks for the part after {@code part} to be made off the write path; a failure there is the grower's to report. */
    private void prepareAhead(JournalPart part) {
        preparingAfter.set(part);
        try {
            ahead.execute(() -> {
                try {
                    if (current != part || closed || broken != null) {
                        return;
                    }
                    JournalPart next;
                    try { // made without the lock, so that no writer waits on it meanwhile
                        next = maker.make(file, part.index + 1, part.base + part.capacity, partBytes);
                    } catch (IOException | RuntimeException e) {
                        return; // the writer that needs the part makes it, and reports what fails then
                    }
                    if (next != null && !offer(part, next)) {
                        maker.release(next);
                    }
                } finally {
                    preparingAfter.compareAndSet(part, null); // a later part's request stays
                }
            });
        } catch (RuntimeException refused) {
            preparingAfter.compareAndSet(part, null); // closing: the writer that needs the part makes it
        }
    }

    /** Installs {@code next} as the part prepared after {@code part}, unless it is no longer wanted. */
    private boolean offer(JournalPart part, JournalPart next) {
        growLock.lock();
        try {
            if (current != part || part.next != null || closed) {
                return false;
            }
            part.next = next;
            return true;
        } finally {
            growLock.unlock();
        }
    }

    /** Returns once a force covered every frame committed so far, or the segment was settled. */
    void awaitForced(String buffer) {
        syncLock.lock();
        try {
            long mine = ++appended;
            while (forced < mine && !closed) {
                if (forceFailed != null) {
                    throw new UncheckedIOException("Buffer '" + buffer + "' could not force its journal segment " + path
                            + " (" + forceFailed.getMessage() + "): the write is in the buffer and may still be "
                            + "delivered by this process, but would not survive a power loss", forceFailed);
                }
                if (forcing) {
                    forcedCondition.awaitUninterruptibly(); // the force under way may not cover us: wait, then look again
                    continue;
                }
                forcing = true;
                long target = appended;
                IOException failure = null;
                long start = System.nanoTime();
                syncLock.unlock(); // the writers that commit during the force form the next group
                try {
                    forceParts();
                } catch (IOException e) {
                    failure = e;
                } finally {
                    syncLock.lock();
                }
                stats.synced(System.nanoTime() - start);
                forcing = false;
                if (failure != null && !closed) {
                    forceFailed = failure;
                } else {
                    forced = Math.max(forced, target);
                }
                forcedCondition.signalAll();
            }
        } finally {
            syncLock.unlock();
        }
    }

    /** Every part, header included: a late writer may still commit into a part that is no longer current. */
    private void forceParts() throws IOException {
        for (JournalPart part : parts) {
            int used = part.used();
            if (used > 0) {
                file.force(part.region, used);
            }
        }
    }

    /** Forces everything committed so far (after a replay, before the replayed segments go). */
    void force(String buffer) {
        awaitForced(buffer);
    }

    /**
     * Every element of the segment's table has settled: unlinks the file.
     *
     * @return the bytes its parts held, to give back to the journal's limit; 0 when it was deleted already
     */
    long delete() throws IOException {
        growLock.lock();
        try {
            if (closed) {
                return 0;
            }
            closed = true;
        } finally {
            growLock.unlock();
        }
        syncLock.lock();
        try {
            forcedCondition.signalAll(); // a writer waiting for a force has nothing left to wait for
        } finally {
            syncLock.unlock();
        }
        try {
            file.close();
        } finally {
            Files.deleteIfExists(path);
        }
        return bytes();
    }

    /** Bytes of the parts made so far (prepared ahead included), header included. */
    long bytes() {
        long bytes = 0;
        growLock.lock();
        try {
            for (JournalPart part : parts) {
                bytes += part.capacity;
            }
            JournalPart next = current.next;
            return next == null ? bytes : bytes + next.capacity;
        } finally {
            growLock.unlock();
        }
    }

    /** Why this segment refuses appends (it could not write or force a record), or {@code null} while it takes them. */
    @Nullable String failure() {
        IOException failure = broken;
        if (failure == null) {
            syncLock.lock();
            try {
                failure = forceFailed;
            } finally {
                syncLock.unlock();
            }
        }
        return failure == null || closed ? null : path + ": " + failure;
    }

    private UncheckedIOException failed(String buffer, String what, IOException cause) {
        stats.writeFailures.increment();
        return new UncheckedIOException("Buffer '" + buffer + "' " + what + " its journal segment " + path + " ("
                + cause.getMessage() + "): the write was not accepted", cause);
    }
}

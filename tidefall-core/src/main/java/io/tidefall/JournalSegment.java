package io.tidefall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
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
 * <p>Growth: when a frame does not fit the current part, the writer claims the making of the
 * next part ({@link JournalPart#claimSuccessor}), takes {@code growLock} and installs the next
 * part: the one prepared ahead (the writer crossing half of a part asks {@code ahead} to make it,
 * off the write path, under the same claim, so that a writer that needs the part meanwhile waits
 * for it rather than zero-filling the same range a second time, under the writers of the first),
 * or one it makes itself. Shared fields: {@code current} and {@code parts} (volatile) are written
 * under {@code growLock} only, parts array before current, so a writer that reserved in the
 * current part finds it in {@code parts}; {@code broken} (volatile) is set under {@code growLock}
 * when a part could not be made, and refuses every later write of the segment.
 *
 * <p>Sync ({@link #awaitForced}): a {@link GroupCommit} whose force covers every part.
 *
 * <p>Settling ({@link #close}) comes after the table was sealed, drained and settled. A writer
 * whose element the table accepted may still be storing its frame then. {@code closed} refuses
 * every later reservation, and so does each part's {@linkplain JournalPart#fence fence}, which
 * also says where the reservations made before it end. Then either the file is only unlinked
 * ({@link #delete}: never truncated or unmapped, Java 17 has no unmap, so a late store lands in
 * memory released when the mapping is collected), or, once {@link #finished} saw every frame
 * reserved before the fence committed or cancelled, the file and its mapped regions are used
 * again for a later table ({@link #recycle}): writing into pages already mapped spares the write
 * path a page fault every few hundred frames.
 */
final class JournalSegment {

    /** Makes a part: the segment's file extended, its limit checked. {@code null}: the journal is full. */
    interface Parts {
        @Nullable JournalPart make(JournalFile file, int index, long base, int size, @Nullable MappedByteBuffer warm)
                throws IOException;

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
    /** The parts of the file's previous use, by index (recycled: mapped, zeroed), or empty. Never changes. */
    private final JournalPart[] warm;
    private volatile boolean closed;
    /**
     * Where each part's reservations ended at the fence: written by {@link #close} under growLock,
     * read by {@link #finished} and {@link #recycle} on the journal's thread, which the thread that
     * closed the segment handed it to (the executor's hand-over publishes it).
     */
    private long[] ends = new long[0];

    private final GroupCommit commits;

    JournalSegment(Path path, JournalFile file, JournalPart first, Parts maker, Executor ahead, int partBytes,
            JournalStatsCounter stats, JournalPart[] warm) {
        this.warm = warm;
        this.commits = new GroupCommit(this::forceParts, stats);
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

    /** Whether its file may be recycled ({@link JournalFile#recyclable}). */
    boolean recyclable() {
        return file.recyclable();
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
            if (at < part.capacity) {
                JournalFrame.skip(part.region, (int) at, part.capacity); // the part's last reservation: its end is nobody's
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
        // The journal's thread may be making this part ahead (zero-filling 1 MiB): the writers wait for that part
        // rather than make a second. Spinning, as it takes a fraction of a millisecond; a writer's own making would wait
        // on the same file system.
        for (int spins = 0; !full.claimSuccessor(); spins = Spin.pause(spins)) {
            if (current != full || closed) {
                return true; // grown by another writer; or settled, which the next look sees
            }
        }
        try {
            growLock.lock();
            if (broken != null) {
                throw failed(buffer, "could not grow", broken);
            }
            if (current != full || closed) {
                return true;
            }
            JournalPart next = full.next;
            if (next == null || next.capacity < size) {
                if (next != null) {
                    full.next = null;
                    maker.release(next); // prepared, but too small for this frame
                }
                try {
                    next = makePart(full, Math.max(partBytes, size));
                } catch (IOException e) {
                    broken = e;
                    throw failed(buffer, "could not grow", e);
                }
                if (next == null) {
                    return false; // at the limit
                }
            }
            JournalPart[] grown = Arrays.copyOf(parts, parts.length + 1);
            grown[next.index] = next;
            parts = grown;
            current = next;
            return true;
        } finally {
            if (growLock.isHeldByCurrentThread()) {
                growLock.unlock();
            }
            full.releaseSuccessor();
        }
    }

    /** The part after {@code previous}, of {@code size} bytes: its region of the previous use if it fits, else the file extended. */
    private @Nullable JournalPart makePart(JournalPart previous, int size) throws IOException {
        int index = previous.index + 1;
        long base = previous.base + previous.capacity;
        return maker.make(file, index, base, size, warm(index, base, size));
    }

    /** The region this segment's file held at {@code base} in its previous use, zeroed, if it fits the part; else {@code null}. */
    private @Nullable MappedByteBuffer warm(int index, long base, int size) {
        JournalPart old = index < warm.length ? warm[index] : null;
        return old != null && old.base == base && old.capacity == size ? old.region : null;
    }

    /** Asks for the part after {@code part} to be made off the write path; a failure there is the grower's to report. */
    private void prepareAhead(JournalPart part) {
        try {
            ahead.execute(() -> {
                if (!part.claimSuccessor()) {
                    return; // a writer needed it first, and makes it
                }
                try {
                    if (current != part || closed || broken != null) {
                        return;
                    }
                    JournalPart next = makePart(part, partBytes);
                    if (next != null && !offer(part, next)) {
                        maker.release(next);
                    }
                } catch (IOException | RuntimeException e) {
                    // the writer that needs the part makes it, and reports what fails then
                } finally {
                    part.releaseSuccessor();
                }
            });
        } catch (RuntimeException refused) {
            // closing: the writer that needs the part makes it
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
        try {
            commits.await();
        } catch (IOException e) {
            throw new UncheckedIOException("Buffer '" + buffer + "' could not force its journal segment " + path
                    + " (" + e.getMessage() + "): the write is in the buffer and may still be "
                    + "delivered by this process, but would not survive a power loss", e);
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
     * Every element of the segment's table has settled: refuses every later write, and fences
     * each part (see the class comment).
     *
     * @return the bytes its parts held, to give back to the journal's limit; 0 when it was closed already
     */
    long close() {
        growLock.lock();
        try {
            if (closed) {
                return 0;
            }
            closed = true;
            ends = new long[parts.length];
            for (JournalPart part : parts) {
                ends[part.index] = part.fence();
            }
        } finally {
            growLock.unlock();
        }
        commits.end();
        return bytes();
    }

    /** After {@link #close}: unlinks the file. */
    void delete() throws IOException {
        try {
            file.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }

    /** After {@link #close}: whether no writer will store into the segment again (every frame reserved before the fence finished). */
    boolean finished() {
        long[] reservedEnds = ends;
        JournalPart[] all = parts;
        for (JournalPart part : all) {
            if (!JournalFrame.allFinished(part.region, part.start, reservedEnds[part.index], part.capacity)) {
                return false;
            }
        }
        return true;
    }

    /**
     * After {@link #close} and {@link #finished}: a spare made of this segment's file, its header
     * saying spare before its frames are zeroed (a crash meanwhile leaves a spare, never the old
     * records), keeping its regions of {@code partBytes} as far as {@code keepBytes} allows and
     * giving the file's bytes after them back to the file system.
     */
    JournalSegment recycle(long keepBytes, boolean force) throws IOException {
        JournalPart[] all = parts;
        JournalPart prepared = current.next; // made ahead, never written: zero already, as are the unused warm parts
        JournalFrame.spare(all[0].region);
        if (force) {
            file.force(all[0].region, JournalFrame.HEADER); // spare on disk before any zero is: no torn old frames after a power loss
        }
        List<JournalPart> kept = new ArrayList<>();
        long end = partBytes; // the bytes kept beyond the first part are end - partBytes; each part kept adds partBytes
        for (int i = 1;; i++) { // the parts it used, then the one made ahead, then what it kept from before and did not use
            JournalPart part = i < all.length ? all[i] : i == all.length && prepared != null ? prepared
                    : i < warm.length ? warm[i] : null;
            if (part == null || part.base != end || part.capacity != partBytes || end > keepBytes) {
                break;
            }
            kept.add(part);
            end += partBytes;
        }
        for (JournalPart part : all) {
            if (part.index <= kept.size()) { // the first part, and the ones kept; the rest goes with the truncation
                JournalFrame.zero(part.region, part.start, (int) Math.min(ends[part.index], part.capacity));
            }
        }
        file.truncate(end, force);
        if (force) {
            file.force(all[0].region, all[0].capacity);
            for (JournalPart part : kept) {
                file.force(part.region, part.capacity);
            }
        }
        JournalPart[] warmParts = new JournalPart[kept.size() + 1];
        for (JournalPart part : kept) {
            warmParts[part.index] = part;
        }
        JournalPart first = new JournalPart(0, 0, partBytes, all[0].region, JournalFrame.HEADER);
        return new JournalSegment(path, file, first, maker, ahead, partBytes, stats, warmParts);
    }

    /** Bytes the file holds beyond the first part for a later table (a recycled spare's regions). */
    long warmBytes() {
        long bytes = 0;
        for (JournalPart part : warm) {
            bytes += part == null ? 0 : part.capacity;
        }
        return bytes;
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
            failure = commits.failure();
        }
        return failure == null || closed ? null : path + ": " + failure;
    }

    private UncheckedIOException failed(String buffer, String what, IOException cause) {
        stats.writeFailures.increment();
        return new UncheckedIOException("Buffer '" + buffer + "' " + what + " its journal segment " + path + " ("
                + cause.getMessage() + "): the write was not accepted", cause);
    }
}

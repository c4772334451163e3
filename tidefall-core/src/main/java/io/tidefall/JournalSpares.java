package io.tidefall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * The spare segments of a journal: what the next swaps take, so that a swap creates no file under
 * its partition's lock. Fresh ones are made ahead of need; settled segments become spares again
 * ({@link #settled}): their files, zeroed, with their mapped regions, once no late writer can
 * store into them (see {@link JournalSegment}), so the next table writes into pages the process
 * has mapped and dirtied already. Under SYNC a recycled file is forced before a table takes it, so
 * that a power loss cannot keep a later table's frames and lose the zeros after them, which would
 * bring the settled records back.
 *
 * <p>Threads: {@link #take} and {@link #afterSwap} run on the swapping thread; making, recycling
 * and deleting run on the journal's thread {@code ahead} (one thread, which also makes segments'
 * parts ahead of need: a segment being recycled has none being made). Shared state: {@code spares}
 * (a concurrent deque, recycled ones first, so a fresh one is the one that goes when too many
 * wait), {@code preparing} (atomic), {@code closing} (volatile).
 */
final class JournalSpares {

    /** Fresh spares made ahead at most, when settled segments are not recycled. */
    static final int FRESH = 2;

    private final String buffer;
    private final boolean sync;
    /** What recycled files may keep beyond their first parts, between them: a quarter of the journal's limit. */
    private final long warmBudget;
    /** Spares kept at most: a recycled one for each partition whose table settled, as the next swap of each wants one. */
    private final int max;
    private final Executor ahead;
    private final Supplier<JournalSegment> create;
    private final Collection<JournalSegment> live;
    private final System.Logger log;
    private final Deque<JournalSegment> spares = new ConcurrentLinkedDeque<>();
    private final AtomicInteger preparing = new AtomicInteger();
    private volatile boolean closing;

    JournalSpares(String buffer, boolean sync, long limitBytes, int partitions, Executor ahead,
            Supplier<JournalSegment> create, Collection<JournalSegment> live, System.Logger log) {
        this.buffer = buffer;
        this.sync = sync;
        this.warmBudget = limitBytes / 4;
        this.max = Math.max(FRESH, partitions);
        this.ahead = ahead;
        this.create = create;
        this.live = live;
        this.log = log;
    }

    /** A spare for a fresh table, or {@code null} when none is ready. */
    @Nullable JournalSegment take() {
        return spares.poll();
    }

    /**
     * A swap took {@code taken}: a fresh spare is made for a later swap, unless enough wait or are
     * being made. When settled segments are recycled, the table this swap retired comes back as a
     * spare: a fresh one only when none waits.
     */
    void afterSwap(JournalSegment taken) {
        int wanted = taken.recyclable() ? 1 : FRESH;
        if (preparing.incrementAndGet() <= wanted - spares.size()) {
            try {
                ahead.execute(this::prepare);
            } catch (RuntimeException closed) {
                preparing.decrementAndGet();
            }
        } else {
            preparing.decrementAndGet();
        }
    }

    private void prepare() {
        try {
            spares.add(create.get());
        } catch (UncheckedIOException e) {
            log.log(System.Logger.Level.DEBUG, "Buffer ''{0}'': no spare journal segment ({1}); the next swap makes one",
                    buffer, e.getMessage());
        } finally {
            preparing.decrementAndGet();
        }
    }

    /** Every element of the table of {@code segment} has settled, and the segment was closed: it is recycled or goes. */
    void settled(JournalSegment segment) {
        if (segment.recyclable()) {
            try {
                ahead.execute(() -> recycleOrDelete(segment));
                return;
            } catch (RuntimeException closed) {
                // the buffer is closing: no spare is wanted
            }
        }
        delete(segment);
    }

    /** A spare of {@code segment}'s file, once no writer will store into it again, unless enough wait; else it goes. */
    private void recycleOrDelete(JournalSegment segment) {
        try {
            if (!closing && segment.finished()) {
                long warm = 0; // held beyond first parts by spares and by the tables that took recycled ones (used or not)
                for (JournalSegment spare : spares) {
                    warm += spare.warmBytes();
                }
                for (JournalSegment taken : live) {
                    warm += taken.warmBytes();
                }
                spares.addFirst(segment.recycle(Math.max(0, warmBudget - warm), sync));
                for (int extra = closing ? spares.size() : spares.size() - max; extra > 0; extra--) {
                    JournalSegment coldest = spares.pollLast(); // or every one, when the close emptied the queue meanwhile
                    if (coldest != null) {
                        coldest.close();
                        delete(coldest);
                    }
                }
                return;
            }
        } catch (IOException | RuntimeException e) {
            log.log(System.Logger.Level.DEBUG, "Buffer ''{0}'': could not recycle the journal segment {1} ({2}); "
                    + "it goes", buffer, segment.path(), e);
        }
        delete(segment); // a late writer may still store its frame: only unlinked, see JournalSegment
    }

    private void delete(JournalSegment segment) {
        try {
            segment.delete();
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "Buffer ''{0}'': could not delete the settled journal segment {1} "
                    + "({2}); its elements will be replayed, once more, when the buffer is next built",
                    buffer, segment.path(), e);
        }
    }

    /** Spares ready for the next swaps (a recycled segment is one once it is queued). */
    int count() {
        return spares.size();
    }

    /** The journal closes: from now on no spare is kept. */
    void closing() {
        closing = true;
    }

    /** After the journal's thread stopped: every spare goes. */
    void deleteAll() {
        for (JournalSegment spare = spares.poll(); spare != null; spare = spares.poll()) {
            spare.close();
            try {
                spare.delete();
            } catch (IOException e) {
                log.log(System.Logger.Level.DEBUG, "Buffer ''{0}'': could not delete the spare {1}: {2}", buffer,
                        spare.path(), e);
            }
        }
    }
}

package io.tidefall;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The write table of a {@link TidefallQueue}: a multi-producer array of slots, grown in segments,
 * that seals itself, so no guard is needed around its writes.
 *
 * <pre>
 * claimed: 0 1 2 ... 1023 | 1024 ... 2047 | 2048 ...      (one counter, fetch-and-add)
 * segments: [ slots 0..1023 ] -> [ 1024..2047 ] -> [ ... ]  (linked, each 1,024 references)
 * </pre>
 *
 * <p>A writer claims the next index with one fetch-and-add on {@code claimed}, finds (or installs)
 * the segment of that index, and stores its item into the slot with release semantics. Sealing
 * adds {@link #SEALED_MARK} to {@code claimed}: a writer whose fetch-and-add returns a value at or above
 * it was refused and retries on the partition's fresh table; every index returned below it
 * belongs to a writer that will fill its slot. So every item either took a slot before the seal
 * (and is drained) or never did (and is retried elsewhere): nothing is lost or delivered twice.
 *
 * <p>Capacity: a writer first reads {@code claimed} and is refused when the table is full; writers
 * that race past that check claim a slot at or above the capacity, fill it with a marker the drain
 * skips, and are refused too. So a table never holds more than its capacity, and a full table
 * stops growing (refusals claim at most one slot per racing writer).
 *
 * <p>Shared fields and who writes them:
 * <ul>
 *   <li>{@code claimed}: every writer (fetch-and-add, which never fails, so contended writers do
 *       not retry as they do with a compare-and-set) and the sealer (once).
 *   <li>a slot: written once, with release semantics, by the writer that claimed its index. Between
 *       the claim and the store the slot is null; the drainer, which alone reads slots, waits for
 *       it (nanoseconds, or a time slice if that writer was descheduled).
 *   <li>{@code Segment.next}: installed once by compare-and-set, by whichever writer first needs
 *       it; {@code last} is a hint to the newest segment, written by the installer.
 * </ul>
 * The write path allocates no node: one reference per item, plus one segment per 1,024 items,
 * about 4 bytes an item against 24 for a {@code ConcurrentLinkedQueue} node; and the garbage
 * collector scans arrays in parallel chunks where it must follow a linked list one node at a time.
 */
final class QueueTable<T> implements WriteTable<T> {

    private static final int SHIFT = 10;
    private static final int SEGMENT = 1 << SHIFT;
    private static final int MASK = SEGMENT - 1;

    /** Added to {@code claimed} by the seal; far above any index a table can reach. */
    private static final long SEALED_MARK = 1L << 62;

    /** Fills the slot of a writer that claimed one past the capacity; never an element. */
    private static final Object SKIPPED = new Object();

    private static final VarHandle CLAIMED;
    private static final VarHandle LAST;
    private static final VarHandle SKIPPED_COUNT;
    private static final VarHandle NEXT;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CLAIMED = lookup.findVarHandle(QueueTable.class, "claimed", long.class);
            LAST = lookup.findVarHandle(QueueTable.class, "last", Segment.class);
            SKIPPED_COUNT = lookup.findVarHandle(QueueTable.class, "skipped", long.class);
            NEXT = lookup.findVarHandle(Segment.class, "next", Segment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Segment first = new Segment(0, null);
    private final Comparator<? super T> ordering;

    @SuppressWarnings("unused") // accessed through CLAIMED
    private volatile long claimed;

    @SuppressWarnings("unused") // accessed through LAST
    private volatile Segment last = first;

    /** Slots claimed past the capacity; rare, so a plain counter. */
    @SuppressWarnings("unused") // accessed through SKIPPED_COUNT
    private volatile long skipped;

    /** The number of slots claimed before the seal; written and read by the draining thread only. */
    private long sealedCount = -1;

    QueueTable(Comparator<? super T> ordering) {
        this.ordering = ordering;
    }

    /**
     * Appends {@code item} unless the table is sealed or already holds {@code capacity} items.
     *
     * @return {@link #WRITTEN}, {@link #SEALED} or {@link #FULL}
     */
    int append(T item, long capacity) {
        if (capacity != Long.MAX_VALUE) {
            long seen = (long) CLAIMED.getAcquire(this);
            if (seen >= SEALED_MARK) {
                return SEALED;
            }
            if (seen - (long) SKIPPED_COUNT.getAcquire(this) >= capacity) {
                return FULL; // refused before claiming, so a full table stops growing
            }
        }
        long index = (long) CLAIMED.getAndAdd(this, 1L);
        if (index >= SEALED_MARK) {
            return SEALED;
        }
        Object[] slots = segmentOf(index).slots;
        if (index >= capacity) {
            // Raced past the capacity: the slot is claimed, so it is filled with a marker the drain skips.
            SKIPPED_COUNT.getAndAdd(this, 1L);
            SLOT.setRelease(slots, (int) index & MASK, SKIPPED);
            return FULL;
        }
        SLOT.setRelease(slots, (int) index & MASK, item);
        return WRITTEN;
    }

    /** The segment holding {@code index}, installing the segments up to it as needed. */
    private Segment segmentOf(long index) {
        long wanted = index >>> SHIFT;
        Segment segment = (Segment) LAST.getAcquire(this);
        while (segment.number > wanted) {
            segment = segment.previous; // the hint ran ahead of a writer that was descheduled
        }
        while (segment.number < wanted) {
            Segment next = (Segment) NEXT.getAcquire(segment);
            if (next == null) {
                Segment fresh = new Segment(segment.number + 1, segment);
                next = NEXT.compareAndSet(segment, null, fresh) ? fresh : (Segment) NEXT.getAcquire(segment);
                if (next == fresh) {
                    LAST.setRelease(this, fresh);
                }
            }
            segment = next;
        }
        return segment;
    }

    @Override
    public long size() {
        long c = (long) CLAIMED.getAcquire(this);
        return c >= SEALED_MARK ? 0 : c - (long) SKIPPED_COUNT.getAcquire(this);
    }

    @Override
    public void seal() {
        sealedCount = (long) CLAIMED.getAndAdd(this, SEALED_MARK);
    }

    /**
     * The sealed contents as a fixed-size list over the segments themselves: nothing is copied, so
     * a drain costs one check per slot (that its writer has stored it) and stays far cheaper than
     * the writes that filled the table. Like {@code Arrays.asList}, the list can be kept, sorted
     * and {@code set}, not resized; the engine never touches a drained table again.
     */
    @Override
    public List<T> drain() {
        int count = (int) sealedCount;
        Object[][] chunks = new Object[(count + MASK) >>> SHIFT][];
        Segment segment = first;
        boolean skips = false;
        for (int c = 0; c < chunks.length; c++) {
            if (c > 0) {
                segment = awaitNext(segment);
            }
            Object[] slots = segment.slots;
            int end = Math.min(SEGMENT, count - (c << SHIFT));
            for (int i = 0; i < end; i++) {
                int spins = 0;
                Object item;
                while ((item = SLOT.getAcquire(slots, i)) == null) {
                    spins = Spin.pause(spins); // the writer of this slot is between its claim and its store
                }
                skips |= item == SKIPPED;
            }
            chunks[c] = slots;
        }
        List<T> elements = new Slots<>(chunks, count);
        if (skips) { // only when writers raced past the capacity: copy without the markers
            List<T> kept = new ArrayList<>(count);
            for (T element : elements) {
                if (element != SKIPPED) {
                    kept.add(element);
                }
            }
            elements = kept;
        }
        if (ordering != null) {
            elements.sort(ordering); // stable: ties keep insertion order
        }
        return elements;
    }

    private static Segment awaitNext(Segment segment) {
        Segment next;
        int spins = 0;
        while ((next = (Segment) NEXT.getAcquire(segment)) == null) {
            spins = Spin.pause(spins); // the writer of the next index is installing it
        }
        return next;
    }

    /** A drained table: random access over its segments, {@code count} elements. */
    private static final class Slots<T> extends AbstractList<T> implements RandomAccess {
        private final Object[][] chunks;
        private final int count;

        Slots(Object[][] chunks, int count) {
            this.chunks = chunks;
            this.count = count;
        }

        @Override
        @SuppressWarnings("unchecked")
        public T get(int index) {
            Objects.checkIndex(index, count);
            return (T) chunks[index >>> SHIFT][index & MASK];
        }

        @Override
        @SuppressWarnings("unchecked")
        public T set(int index, T element) {
            Objects.checkIndex(index, count);
            Object[] chunk = chunks[index >>> SHIFT];
            T previous = (T) chunk[index & MASK];
            chunk[index & MASK] = element;
            return previous;
        }

        @Override
        public int size() {
            return count;
        }
    }

    private static final class Segment {
        final long number;
        final Segment previous;
        final Object[] slots = new Object[SEGMENT];
        @SuppressWarnings("unused") // accessed through NEXT
        volatile Segment next;

        Segment(long number, Segment previous) {
            this.number = number;
            this.previous = previous;
        }
    }
}

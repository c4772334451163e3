package io.tidefall;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;

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
 * <p>Capacity: a writer first reads {@code claimed} and is refused when it is at the capacity;
 * writers that race past that check claim a slot at or above the capacity, fill it with a marker
 * the drain skips, and are refused too. Both checks compare the same number (slots claimed, skipped
 * ones included), so a table never holds more than its capacity, and once {@code claimed} reaches
 * the capacity every later writer is refused before it claims: a full table stops growing, even
 * after the capacity is raised while it is full (the raise applies from the next table). The
 * writer that claims the last slot below the capacity is told so ({@link WriteResult#FILLED}), so that the
 * partition drains at once. Every table is bounded by {@link #MAX_SIZE}, whatever the capacity,
 * so that its indices fit a {@code List}.
 *
 * <p>A writer that throws between its claim and its store (an {@code OutOfMemoryError} while
 * allocating a segment, a {@code StackOverflowError}) never fills its slot. It counts itself in
 * {@code dead} on its way out, and the drain, which waits for missing slots only while more are
 * missing than {@code dead} explains, skips exactly as many: it never waits forever for a writer
 * that is gone, and never skips one that is merely slow. The writer threw, so its item was never
 * promised.
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

    /** The most items a table holds, whatever the capacity: a drained table's indices are ints. */
    static final long MAX_SIZE = 1L << 30;

    /** Fills the slot of a writer that claimed one past the capacity; never an element. */
    private static final Object SKIPPED = new Object();

    private static final VarHandle CLAIMED;
    private static final VarHandle LAST;
    private static final VarHandle SKIPPED_COUNT;
    private static final VarHandle DEAD;
    private static final VarHandle NEXT;
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            CLAIMED = lookup.findVarHandle(QueueTable.class, "claimed", long.class);
            LAST = lookup.findVarHandle(QueueTable.class, "last", Segment.class);
            SKIPPED_COUNT = lookup.findVarHandle(QueueTable.class, "skipped", long.class);
            DEAD = lookup.findVarHandle(QueueTable.class, "dead", long.class);
            NEXT = lookup.findVarHandle(Segment.class, "next", Segment.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Makes the slot array of each segment; {@code Object[]::new} but in tests that inject a failure. */
    private final IntFunction<Object[]> slotArrays;
    private final Segment first;

    @SuppressWarnings("unused") // accessed through CLAIMED
    private volatile long claimed;

    @SuppressWarnings("unused") // accessed through LAST
    private volatile Segment last;

    /** Slots claimed past the capacity; rare, so a plain counter. */
    @SuppressWarnings("unused") // accessed through SKIPPED_COUNT
    private volatile long skipped;

    /** Writers that threw between their claim and their store; see the class comment. */
    @SuppressWarnings("unused") // accessed through DEAD
    private volatile long dead;

    /** The number of slots claimed before the seal; written and read by the draining thread only. */
    private long sealedCount = -1;

    /** Claims the drain skipped because their writers threw; written and read by the draining thread only. */
    private long abandoned;

    /** Attached before the table is published; see {@link WriteTable#journalSegment()}. */
    private @Nullable JournalSegment journalSegment;

    @Override
    public @Nullable JournalSegment journalSegment() {
        return journalSegment;
    }

    @Override
    public void journalTo(JournalSegment segment) {
        this.journalSegment = segment;
    }

    QueueTable() {
        this(Object[]::new);
    }

    QueueTable(IntFunction<Object[]> slotArrays) {
        this.slotArrays = slotArrays;
        this.first = new Segment(0, null, slotArrays.apply(SEGMENT));
        this.last = first;
    }

    /**
     * Appends {@code item} unless the table is sealed or already holds {@code capacity} items.
     *
     * @param capacity the partition's capacity ({@code Long.MAX_VALUE} when unbounded)
     * @return {@link WriteResult#WRITTEN}, {@link WriteResult#FILLED} (written, and the table is now full),
     *     {@link WriteResult#SEALED} or {@link WriteResult#FULL}
     */
    WriteResult append(T item, long capacity) {
        long limit = Math.min(capacity, MAX_SIZE);
        long seen = (long) CLAIMED.getAcquire(this); // the line the fetch-and-add is about to own anyway
        if (seen >= SEALED_MARK) {
            return WriteResult.SEALED;
        }
        if (seen >= limit) {
            return WriteResult.FULL; // refused before claiming, so a full table stops growing
        }
        long index = (long) CLAIMED.getAndAdd(this, 1L);
        if (index >= SEALED_MARK) {
            return WriteResult.SEALED;
        }
        try {
            Object[] slots = segmentOf(index).slots;
            if (index >= limit) {
                // Raced past the capacity: the slot is claimed, so it is filled with a marker the drain skips.
                SKIPPED_COUNT.getAndAdd(this, 1L);
                SLOT.setRelease(slots, (int) index & MASK, SKIPPED);
                return WriteResult.FULL;
            }
            SLOT.setRelease(slots, (int) index & MASK, item);
        } catch (Throwable failure) {
            DEAD.getAndAdd(this, 1L); // the slot stays empty for good: the drain must not wait for it
            throw failure;
        }
        return index == limit - 1 ? WriteResult.FILLED : WriteResult.WRITTEN;
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
                Segment fresh = new Segment(segment.number + 1, segment, slotArrays.apply(SEGMENT));
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

    /** Seals at once: the fetch-and-add decides every writer's fate; {@link #drain()} waits for stores. */
    @Override
    public boolean seal(long patienceNanos) {
        sealedCount = (long) CLAIMED.getAndAdd(this, SEALED_MARK);
        return true;
    }

    @Override
    public long abandoned() {
        return abandoned;
    }

    /**
     * The sealed contents as a fixed-size list over the segments themselves: nothing is copied, so
     * a drain costs one check per slot (that its writer has stored it) and stays far cheaper than
     * the writes that filled the table. Like {@code Arrays.asList}, the list can be kept, sorted
     * and {@code set}, not resized; the engine never touches a drained table again.
     *
     * <p>Waits for every claimed slot to be stored, except those of writers that threw (see the
     * class comment), which it skips and counts in {@link #abandoned()}.
     */
    @Override
    public List<T> drain() {
        int count = (int) sealedCount; // at most MAX_SIZE plus one claim per racing writer
        Object[][] chunks = new Object[(count + MASK) >>> SHIFT][];
        Segment segment = first;
        List<Long> missing = null;
        boolean skips = false;
        for (int c = 0; c < chunks.length; c++) {
            if (c > 0) {
                segment = segment == null ? null : awaitNext(segment);
            }
            int end = Math.min(SEGMENT, count - (c << SHIFT));
            if (segment == null) { // not installed yet: its writers are slow, or threw
                missing = missing != null ? missing : new ArrayList<>();
                for (int i = 0; i < end; i++) {
                    missing.add(((long) c << SHIFT) + i);
                }
                continue;
            }
            Object[] slots = segment.slots;
            for (int i = 0; i < end; i++) {
                Object item = awaitSlot(slots, i);
                if (item == null) {
                    missing = missing != null ? missing : new ArrayList<>();
                    missing.add(((long) c << SHIFT) + i);
                }
                skips |= item == SKIPPED;
            }
            chunks[c] = slots;
        }
        if (missing != null) {
            awaitMissing(chunks, missing);
            abandoned = missing.size();
            skips |= abandoned > 0;
        }
        List<T> elements = new Slots<>(chunks, count);
        if (skips) { // only when writers raced past the capacity, or threw: copy without the gaps
            List<T> kept = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                Object[] chunk = chunks[i >>> SHIFT];
                Object item = chunk == null ? null : chunk[i & MASK];
                if (item != null && item != SKIPPED) {
                    @SuppressWarnings("unchecked")
                    T element = (T) item;
                    kept.add(element);
                }
            }
            elements = kept;
        }
        return elements;
    }

    /** The item of a slot, after a short wait for its writer; {@code null} if it has not come yet. */
    private static Object awaitSlot(Object[] slots, int i) {
        Object item;
        int spins = 0;
        while ((item = SLOT.getAcquire(slots, i)) == null && spins < PATIENT_SPINS) {
            spins = Spin.pause(spins); // the writer of this slot is between its claim and its store
        }
        return item;
    }

    /** The next segment, after a short wait for the writer installing it; {@code null} if it has not come yet. */
    private static Segment awaitNext(Segment segment) {
        Segment next;
        int spins = 0;
        while ((next = (Segment) NEXT.getAcquire(segment)) == null && spins < PATIENT_SPINS) {
            spins = Spin.pause(spins);
        }
        return next;
    }

    /** Spins before a slot counts as missing: a writer between claim and store takes nanoseconds. */
    private static final int PATIENT_SPINS = 1_000;

    /**
     * Waits until every index of {@code missing} is stored, except as many as writers died; fills
     * {@code chunks} as segments arrive and leaves in {@code missing} the indices given up.
     */
    private void awaitMissing(Object[][] chunks, List<Long> missing) {
        int spins = 0;
        for (;;) {
            missing.removeIf(index -> {
                int c = (int) (index >>> SHIFT);
                if (chunks[c] == null) {
                    Segment segment = segmentIfInstalled(c);
                    if (segment == null) {
                        return false;
                    }
                    chunks[c] = segment.slots;
                }
                return SLOT.getAcquire(chunks[c], (int) (index & MASK)) != null;
            });
            // Each dead writer left exactly one claimed index empty; every other writer will store.
            if (missing.size() <= (long) DEAD.getAcquire(this)) {
                return;
            }
            spins = Spin.pause(spins);
        }
    }

    private Segment segmentIfInstalled(int number) {
        Segment segment = first;
        for (int i = 0; i < number && segment != null; i++) {
            segment = (Segment) NEXT.getAcquire(segment);
        }
        return segment;
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
        final Object[] slots;
        @SuppressWarnings("unused") // accessed through NEXT
        volatile Segment next;

        Segment(long number, Segment previous, Object[] slots) {
            this.number = number;
            this.previous = previous;
            this.slots = slots;
        }
    }
}

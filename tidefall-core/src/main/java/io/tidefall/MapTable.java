package io.tidefall;

import static io.tidefall.MapCell.FROZEN;
import static io.tidefall.MapCell.VACANT;

import io.tidefall.MapCell.Versioned;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * The write table of a hash map buffer: a {@code ConcurrentHashMap} from each key to a
 * {@link MapCell} of its own, so that a write either lands before the drain reads it or is refused
 * and retried on the partition's fresh table.
 *
 * <p>Why a cell per key: a buffer's keys are written again and again within one interval (that is
 * what it coalesces), and overwriting a present key of a {@code ConcurrentHashMap} takes the bin's
 * monitor (two atomic operations) around a volatile store. Here the map is only read to find the
 * key's cell, and overwriting a buffered value is one compare-and-set on the cell, with no guard;
 * the map itself is written, and a bin locked, only when a key is new to the table.
 *
 * <p>What a cell holds: the value of a plain {@code put} (bare, version 0: last-write-wins costs
 * no allocation for a present key), a {@link Versioned} after a {@code putNewer},
 * {@link MapCell#VACANT} after a {@code delete}, or {@link MapCell#FROZEN} once the drain has read
 * it (see {@link MapCell}). A deleted key keeps its cell: removing it from the map would lose a
 * write racing the delete that already holds the cell.
 *
 * <p>Two kinds of write, and why they differ:
 * <ul>
 *   <li><b>Overwrites</b> (a value replaced by a value) change no count: they need no guard. The
 *       seal does not wait for them; the drain decides them instead. Once the seal has returned,
 *       it takes each cell's content by an exchange with {@code FROZEN} ({@link MapCell#freeze}), and
 *       every write to a cell is a compare-and-set that refuses a frozen one. So an overwrite
 *       either came before the drain's exchange (the drained list holds its value, or a later
 *       write's that replaced it) or fails and retries on the fresh table: never both, never
 *       neither. The one exception, a seal that gave up on a writer adding a key, is in
 *       {@link #overwrite}: such an overwrite throws, as the abandoned writer does.
 *   <li><b>Key-count changes</b> (a key new to the table, a write into a vacant cell, a delete)
 *       happen inside the {@link WriterGuard}: the drained list's size is the table's key count
 *       after the seal, which must not move once the seal has returned, and no cell may appear in
 *       the map after it.
 * </ul>
 *
 * <p>Shared state, who writes it, and happens-before:
 * <ul>
 *   <li>{@code map}: a key's cell is added by the first writer of the key ({@code putIfAbsent},
 *       inside the guard: one cell per key wins, a writer that lost writes into the winner's);
 *       never removed or replaced, so whoever holds a key's cell holds the only one.
 *   <li>{@code MapCell.stored}: every writer of the key, by compare-and-set (a value to a value
 *       without the guard; to or from {@code VACANT} only inside it), and the drain, once, by the
 *       exchange to {@code FROZEN}. Writes to one key are thus totally ordered, the last one before
 *       the freeze wins, and each change to or from {@code VACANT} is made by exactly one writer.
 *   <li>{@code vacant}: cells holding {@code VACANT}, changed by that one writer (+1 by a delete,
 *       -1 by a write into a vacant cell). The table's size is the map's minus {@code vacant}:
 *       approximate while writers run (each writer may be between its change and its count),
 *       exact after the seal, since only writes inside the guard change either count.
 *   <li>The drain: every guarded write happens before its writer's exit from the guard, which
 *       happens before the seal returns (see {@link WriterGuard}), so the size the drain reads
 *       after the seal is final. It then freezes every cell (each exchange sees every
 *       compare-and-set before it) before the list leaves {@link #drain()}: what the processor is
 *       handed is fixed before any user code sees it. Writers a seal abandoned (it gave up
 *       waiting) may still add keys, so then the list is as long as what the walk found.
 * </ul>
 */
final class MapTable<K, V, E> implements WriteTable<E> {

    /** The most keys a fresh table is sized for up front; beyond it the map grows as usual. */
    private static final int MAX_PRESIZE = 1 << 16;

    private static final VarHandle VACANT_CELLS;

    static {
        try {
            VACANT_CELLS = MethodHandles.lookup().findVarHandle(MapTable.class, "vacant", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentHashMap<K, MapCell> map;
    private final WriterGuard guard = new WriterGuard();

    /** Cells holding {@link MapCell#VACANT}; see the class comment. */
    @SuppressWarnings("unused") // accessed through VACANT_CELLS
    private volatile long vacant;

    /** Writers still inside when a seal gave up waiting; written and read by the draining thread only. */
    private long abandoned;

    /**
     * @param expectedSize how many keys the table this one replaces held: sizing the map for them
     *     up front spares the writers of a busy partition one resize after another on every swap
     */
    /** Makes what the processor receives for a key: the buffer type's entry record. */
    private final DrainedEntries.EntryMaker<K, V, E> entries;

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

    MapTable(long expectedSize, DrainedEntries.EntryMaker<K, V, E> entries) {
        this.entries = entries;
        map = new ConcurrentHashMap<>((int) Math.min(expectedSize, MAX_PRESIZE));
    }

    /**
     * Last write wins. A key that is already buffered is always overwritten; a new key is refused
     * when the table holds {@code capacity} keys.
     *
     * @return {@link WriteResult#WRITTEN}, {@link WriteResult#FILLED} (written, and the table is now full),
     *     {@link WriteResult#SEALED} or {@link WriteResult#FULL}
     */
    WriteResult put(K key, V value, long capacity) {
        return write(key, value, false, 0, capacity);
    }

    /**
     * Writes when {@code key} is absent or {@code version} is strictly newer than the buffered
     * one (a plain {@code put}'s value counts as version 0).
     *
     * @return {@link WriteResult#WRITTEN}, {@link WriteResult#FILLED}, {@link WriteResult#UNCHANGED} (the stored version was the
     *     same or newer), {@link WriteResult#SEALED} or {@link WriteResult#FULL}
     */
    WriteResult putNewer(K key, V value, long version, long capacity) {
        return write(key, value, true, version, capacity);
    }

    /**
     * {@code put}, or when {@code versioned} {@code putNewer}: an overwrite of a buffered value
     * without the guard ({@link #overwrite}); a key new to the table, or a write into a vacant
     * cell, inside it, since either adds a key.
     */
    private WriteResult write(K key, Object value, boolean versioned, long version, long capacity) {
        MapCell cell = map.get(key);
        if (cell != null) {
            WriteResult overwritten = overwrite(cell, value, versioned, version);
            if (overwritten != null) {
                return overwritten;
            }
        }
        int slot = guard.enter();
        if (slot < 0) {
            return WriteResult.SEALED;
        }
        try {
            if (cell == null) {
                if (full(capacity)) {
                    return WriteResult.FULL;
                }
                cell = map.putIfAbsent(key, new MapCell(first(value, versioned, version)));
                if (cell == null) {
                    return added(capacity);
                }
            }
            for (;;) { // inside the guard: the cell may be vacant, and writing it adds the key back
                Object stored = cell.stored;
                if (stored == FROZEN) {
                    return WriteResult.SEALED; // only for a writer the seal gave up on; leave() throws
                }
                Object candidate;
                if (stored == VACANT) {
                    if (full(capacity)) {
                        return WriteResult.FULL;
                    }
                    candidate = first(value, versioned, version);
                } else {
                    candidate = versioned ? newer(stored, value, version) : value;
                    if (candidate == null) {
                        return WriteResult.UNCHANGED;
                    }
                }
                if (cell.compareAndSet(stored, candidate)) {
                    return stored == VACANT ? revived(capacity) : WriteResult.WRITTEN;
                }
                // another writer of this key came first: decide again against what it stored
            }
        } finally {
            leave(slot);
        }
    }

    /**
     * A write into a cell that holds a value, without the guard: one compare-and-set, of
     * {@code value} itself ({@code put}) or, when {@code versioned}, of what {@link #newer} makes
     * of it ({@code putNewer}).
     *
     * @return {@link WriteResult#WRITTEN}; {@link WriteResult#UNCHANGED} when a versioned write is not newer;
     *     {@link WriteResult#SEALED} when the drain has read the cell; or {@code null} when the cell is
     *     vacant (writing it would add a key, which only a write inside the guard may do)
     */
    private @Nullable WriteResult overwrite(MapCell cell, Object value, boolean versioned, long version) {
        for (;;) {
            Object stored = cell.stored;
            if (stored == VACANT) {
                return null; // guarded: see the method's comment
            }
            if (stored == FROZEN) {
                return WriteResult.SEALED;
            }
            Object candidate = versioned ? newer(stored, value, version) : value;
            if (candidate == null) {
                return WriteResult.UNCHANGED;
            }
            if (cell.compareAndSet(stored, candidate)) {
                // After a seal that gave up on a writer adding a key, the drain copies what it finds
                // at once, and that writer may add its key's cell after the copy passed: an
                // overwrite into such a cell would land where no drain looks. The compare-and-set
                // orders this read after the write; read false, the seal had not given up yet, so
                // the cell was in the map before the copy began, and the copy freezes it with this
                // value or a later one in it.
                if (guard.gaveUp()) {
                    throw abandonedWrite();
                }
                return WriteResult.WRITTEN;
            }
            // another writer of this key came first: decide again against what it stored
        }
    }

    /** What a write stores for a key that has no value in this table: the value itself, or its first version. */
    private static Object first(Object value, boolean versioned, long version) {
        return versioned ? new Versioned(value, version, 0) : value;
    }

    /** What replaces the value {@code stored} (neither vacant nor frozen), or {@code null} if {@code version} is not newer. */
    private static @Nullable Versioned newer(Object stored, Object value, long version) {
        if (stored instanceof Versioned previous) {
            return version <= previous.version ? null : new Versioned(value, version, previous.updates + 1);
        }
        return version <= 0 ? null : new Versioned(value, version, 1);
    }

    /** {@link WriteResult#WRITTEN} when the key was buffered and is gone, {@link WriteResult#UNCHANGED} when absent, or {@link WriteResult#SEALED}. */
    WriteResult remove(K key) {
        int slot = guard.enter();
        if (slot < 0) {
            return WriteResult.SEALED;
        }
        try {
            MapCell cell = map.get(key);
            if (cell == null) {
                return WriteResult.UNCHANGED;
            }
            for (;;) {
                Object stored = cell.stored;
                if (stored == VACANT) {
                    return WriteResult.UNCHANGED;
                }
                if (stored == FROZEN) {
                    return WriteResult.SEALED; // only for a writer the seal gave up on; leave() throws
                }
                if (cell.compareAndSet(stored, VACANT)) {
                    VACANT_CELLS.getAndAdd(this, 1L);
                    return WriteResult.WRITTEN;
                }
            }
        } finally {
            leave(slot);
        }
    }

    /**
     * Whether the table holds {@code capacity} keys: a write that would add a key is refused.
     * Unbounded tables pay one comparison. Concurrent writers of new keys can each pass the check
     * before any of them is counted, so the bound holds within the number of writing threads.
     */
    private boolean full(long capacity) {
        return capacity != Long.MAX_VALUE && size() >= capacity;
    }

    /**
     * The result of a write that added a key: {@link WriteResult#FILLED} if the table holds its capacity now
     * (so that the writers that fill a table ask for its drain, and those that overwrite do not).
     */
    private WriteResult added(long capacity) {
        return full(capacity) ? WriteResult.FILLED : WriteResult.WRITTEN;
    }

    /** A write into a vacant cell added its key back. */
    private WriteResult revived(long capacity) {
        VACANT_CELLS.getAndAdd(this, -1L);
        return added(capacity);
    }

    /**
     * Leaves the guard; throws if the seal gave up waiting for this write. A {@code finally}
     * calls it, so an exception of the key's own replaces the one thrown here, which is as well:
     * the caller learns that its write failed either way.
     */
    private void leave(int slot) {
        if (!guard.exit(slot)) {
            throw abandonedWrite();
        }
    }

    private static IllegalStateException abandonedWrite() {
        return new IllegalStateException("This write took longer than its partition's drain would wait "
                + "(processingTimeout: the key's hashCode or equals hung, or the writing thread was paused that long), "
                + "so the drain went ahead without it: it may or may not be delivered");
    }

    /** The buffered value, or {@code null}. Reads need no guard: a read cannot be lost. */
    @SuppressWarnings("unchecked")
    @Nullable V get(K key) {
        MapCell cell = map.get(key);
        Object stored = cell == null ? VACANT : cell.stored;
        if (stored == VACANT || stored == FROZEN) {
            return null; // a frozen cell is in a drained table: its value is no longer in the write table
        }
        return stored instanceof Versioned versioned ? (V) versioned.value : (V) stored;
    }

    @Override
    public long size() {
        long deleted = (long) VACANT_CELLS.getVolatile(this); // first: the map's count only grows
        return Math.max(0, map.mappingCount() - deleted);
    }

    @Override
    public boolean seal(long patienceNanos) {
        boolean complete = guard.seal(patienceNanos);
        if (!complete) {
            abandoned = guard.inside();
        }
        return complete;
    }

    @Override
    public long abandoned() {
        return abandoned;
    }

    /**
     * The sealed contents, each cell frozen now: from here on no write lands in this table (an
     * overwrite finds its cell frozen and retries on the fresh table), so what the processor is
     * handed is fixed before any user code sees it, read or not. The list makes each
     * entry only when it is read.
     *
     * <p>Why now and not when the processor first reads the list: a list fixed only by its first
     * read would take overwrites after a processor call that did not read it had ended, and no
     * call would ever see them. The walk is a cache miss per key (the writers filled the map on
     * other cores), on the drain's thread, which is the thread that runs the processor: one that
     * reads its entries pays it either way.
     *
     * <p>When the seal was complete, nothing adds or deletes a key any more and the size is exact,
     * so the arrays are allocated first and the walk allocates nothing: it cannot fail half way
     * with some cells frozen and their values nowhere. Writers a seal abandoned may still add keys,
     * so then the list is as long as what the walk found.
     */
    @Override
    public List<E> drain() {
        if (abandoned > 0) {
            List<E> found = new ArrayList<>();
            map.forEach((key, cell) -> {
                Object stored = cell.freeze();
                if (stored != VACANT) {
                    found.add(DrainedEntries.entry(entries, key, stored));
                }
            });
            return found;
        }
        int size = (int) size();
        Object[] keys = new Object[size];
        Object[] stored = new Object[size];
        int[] count = {0};
        map.forEach((key, cell) -> {
            Object held = cell.freeze();
            if (held != VACANT) {
                keys[count[0]] = key;
                stored[count[0]++] = held;
            }
        });
        return new DrainedEntries<>(entries, keys, stored);
    }
}

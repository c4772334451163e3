package io.tidefall;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The write table of a {@link TidefallHashMap}: a {@code ConcurrentHashMap} from each key to a
 * {@link Cell} of its own, behind a {@link WriterGuard}, so that a write either lands before the
 * seal or is refused and retried on the partition's fresh table.
 *
 * <p>Why a cell per key: a buffer's keys are written again and again within one interval (that is
 * what it coalesces), and overwriting a present key of a {@code ConcurrentHashMap} takes the bin's
 * monitor (two atomic operations) around a volatile store. Here the map is only read to find the
 * key's cell, and the overwrite is one atomic exchange ({@code put}) or compare-and-set
 * ({@code putNewer}) on the cell; the map itself is written, and a bin locked, only when a key is
 * new to the table. The drain unwraps the cells after the seal.
 *
 * <p>What a cell holds: the value of a plain {@code put} (bare, version 0: last-write-wins costs
 * no allocation for a present key), a {@link Versioned} after a {@code putNewer}, or
 * {@link #VACANT} after a {@code delete}. {@code Versioned} and {@code VACANT} are private to this
 * class, so a user's value can never be mistaken for either. A deleted key keeps its cell:
 * removing it from the map would lose a write racing the delete that already holds the cell.
 *
 * <p>Shared state, who writes it, and happens-before:
 * <ul>
 *   <li>{@code map}: a key's cell is added by the first writer of the key ({@code putIfAbsent}:
 *       one cell per key wins, a writer that lost writes into the winner's); never removed or
 *       replaced, so whoever holds a key's cell holds the only one.
 *   <li>{@code Cell.stored}: every writer of the key, inside the guard only, by one atomic access
 *       that returns what it replaced: {@code put} an exchange, {@code putNewer} a compare-and-set
 *       (it decides from what it replaces, and retries when another writer came first),
 *       {@code delete} an exchange to {@code VACANT}. Writes to one key are thus totally ordered,
 *       the last one wins, and each change of a cell to or from {@code VACANT} is seen by exactly
 *       one writer.
 *   <li>{@code vacant}: cells holding {@code VACANT}, changed by that one writer (+1 by a delete,
 *       -1 by a write into a vacant cell). The table's size is the map's minus {@code vacant}:
 *       approximate while writers run (each writer may be between its change and its count),
 *       exact after the seal.
 *   <li>The drain: every write happens before its writer's exit from the guard, which happens
 *       before the seal returns (see {@link WriterGuard}); the drain reads the map, the cells and
 *       {@code vacant} after the seal, so it sees every write that was not refused, and nothing
 *       changes them any more. The exception: writers a seal abandoned (it gave up waiting) may
 *       still be writing, so then the drain copies what it finds at once (see {@link #drain()}).
 * </ul>
 */
final class MapTable<K, V> implements WriteTable<TidefallHashMap.Entry<K, V>> {

    /** The most keys a fresh table is sized for up front; beyond it the map grows as usual. */
    private static final int MAX_PRESIZE = 1 << 16;

    /** What a cell holds after its key was deleted: no entry. */
    private static final Object VACANT = new Object();

    private static final VarHandle STORED;
    private static final VarHandle VACANT_CELLS;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STORED = lookup.findVarHandle(Cell.class, "stored", Object.class);
            VACANT_CELLS = lookup.findVarHandle(MapTable.class, "vacant", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConcurrentHashMap<K, Cell> map;
    private final WriterGuard guard = new WriterGuard();

    /** Cells holding {@link #VACANT}; see the class comment. */
    @SuppressWarnings("unused") // accessed through VACANT_CELLS
    private volatile long vacant;

    /** Writers still inside when a seal gave up waiting; written and read by the draining thread only. */
    private long abandoned;

    /**
     * @param expectedSize how many keys the table this one replaces held: sizing the map for them
     *     up front spares the writers of a busy partition one resize after another on every swap
     */
    MapTable(long expectedSize) {
        map = new ConcurrentHashMap<>((int) Math.min(expectedSize, MAX_PRESIZE));
    }

    /**
     * Last write wins. A key that is already buffered is always overwritten; a new key is refused
     * when the table holds {@code capacity} keys.
     *
     * @return {@link #WRITTEN}, {@link #FILLED} (written, and the table is now full),
     *     {@link #SEALED} or {@link #FULL}
     */
    int put(K key, V value, long capacity) {
        int slot = guard.enter();
        if (slot < 0) {
            return SEALED;
        }
        try {
            Cell cell = map.get(key);
            if (cell == null) {
                if (full(capacity)) {
                    return FULL;
                }
                cell = map.putIfAbsent(key, new Cell(value));
                if (cell == null) {
                    return added(capacity);
                }
            }
            if (cell.stored == VACANT && full(capacity)) {
                return FULL; // writing into a vacant cell adds a key
            }
            return STORED.getAndSet(cell, value) == VACANT ? revived(capacity) : WRITTEN;
        } finally {
            leave(slot);
        }
    }

    /**
     * Writes when {@code key} is absent or {@code version} is strictly newer than the buffered
     * one (a plain {@code put}'s value counts as version 0).
     *
     * @return {@link #WRITTEN}, {@link #FILLED}, {@link #UNCHANGED} (the stored version was the
     *     same or newer), {@link #SEALED} or {@link #FULL}
     */
    int putNewer(K key, V value, long version, long capacity) {
        int slot = guard.enter();
        if (slot < 0) {
            return SEALED;
        }
        try {
            Cell cell = map.get(key);
            if (cell == null) {
                if (full(capacity)) {
                    return FULL;
                }
                cell = map.putIfAbsent(key, new Cell(new Versioned(value, version, 0)));
                if (cell == null) {
                    return added(capacity);
                }
            }
            for (;;) {
                Object stored = cell.stored;
                Versioned candidate;
                if (stored == VACANT) {
                    if (full(capacity)) {
                        return FULL;
                    }
                    candidate = new Versioned(value, version, 0);
                } else if (stored instanceof Versioned previous) {
                    if (version <= previous.version) {
                        return UNCHANGED;
                    }
                    candidate = new Versioned(value, version, previous.updates + 1);
                } else {
                    if (version <= 0) {
                        return UNCHANGED;
                    }
                    candidate = new Versioned(value, version, 1);
                }
                if (STORED.compareAndSet(cell, stored, candidate)) {
                    return stored == VACANT ? revived(capacity) : WRITTEN;
                }
                // another writer of this key came first: decide again against what it stored
            }
        } finally {
            leave(slot);
        }
    }

    /** {@link #WRITTEN} when the key was buffered and is gone, {@link #UNCHANGED} when absent, or {@link #SEALED}. */
    int remove(K key) {
        int slot = guard.enter();
        if (slot < 0) {
            return SEALED;
        }
        try {
            Cell cell = map.get(key);
            if (cell == null || cell.stored == VACANT || STORED.getAndSet(cell, VACANT) == VACANT) {
                return UNCHANGED;
            }
            VACANT_CELLS.getAndAdd(this, 1L);
            return WRITTEN;
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
     * The result of a write that added a key: {@link #FILLED} if the table holds its capacity now
     * (so that the writers that fill a table ask for its drain, and those that overwrite do not).
     */
    private int added(long capacity) {
        return full(capacity) ? FILLED : WRITTEN;
    }

    /** A write into a vacant cell added its key back. */
    private int revived(long capacity) {
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
            throw new IllegalStateException("This write took longer than its partition's drain would wait "
                    + "(processingTimeout: the key's hashCode or equals hung, or the writing thread was paused that long), "
                    + "so the drain went ahead without it: it may or may not be delivered");
        }
    }

    /** The buffered value, or {@code null}. Reads need no guard: a read cannot be lost. */
    @SuppressWarnings("unchecked")
    V get(K key) {
        Cell cell = map.get(key);
        Object stored = cell == null ? VACANT : cell.stored;
        return stored == VACANT ? null : stored instanceof Versioned versioned ? (V) versioned.value : (V) stored;
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
     * The sealed contents as a list that reads the map only when the processor first reads the
     * list, and makes each {@link TidefallHashMap.Entry} as it is read.
     *
     * <p>Why lazily: the drain runs on another core than the writers, so every node of the table
     * it walks is a cache miss, about 100 ns each. Walking a busy 1 ms table cost the drain thread
     * most of a core, which on a two-core machine it took from the writers. A processor that reads
     * the entries pays that walk once, as it must; the drain itself costs next to nothing.
     *
     * <p>Lazily only when the seal was complete: then nothing changes the table any more, and its
     * size is exact. Writers a seal abandoned may still change it, so then the entries are copied
     * now, as found, and the list is as long as what was copied.
     */
    @Override
    public List<TidefallHashMap.Entry<K, V>> drain() {
        if (abandoned > 0) {
            List<TidefallHashMap.Entry<K, V>> found = new ArrayList<>();
            map.forEach((key, cell) -> {
                Object stored = cell.stored;
                if (stored != VACANT) {
                    found.add(entry(key, stored));
                }
            });
            return found;
        }
        return new Entries<>(map, (int) size());
    }

    /** What the processor receives for a key and what its cell held (never {@link #VACANT}). */
    @SuppressWarnings("unchecked")
    private static <K, V> TidefallHashMap.Entry<K, V> entry(Object key, Object stored) {
        if (stored instanceof Replaced replaced) {
            return (TidefallHashMap.Entry<K, V>) replaced.entry;
        }
        return stored instanceof Versioned versioned
                ? new TidefallHashMap.Entry<>((K) key, (V) versioned.value, versioned.version, versioned.updates)
                : new TidefallHashMap.Entry<>((K) key, (V) stored, 0, 0);
    }

    /**
     * A drained table: random access, each entry made on reading; {@code set} and so sorting work.
     *
     * <p>Concurrency: the drain's runner reads it, and so may the thread that times the drain out
     * (it copies the chunks not started). The first read on any thread copies the map's keys and
     * what their cells hold (skipping vacant cells) into a {@link Columns} under this list's
     * monitor, then publishes it by writing {@code columns} (volatile); every later read starts
     * with one volatile read of it. {@code set} writes the arrays like any unsynchronized list:
     * the processor owns the list.
     */
    private static final class Entries<K, V> extends AbstractList<TidefallHashMap.Entry<K, V>> implements RandomAccess {
        private final ConcurrentHashMap<K, Cell> map;
        private final int size;
        /** {@code null} until the first read. */
        private volatile Columns columns;

        /** @param size the live keys of {@code map}, which is sealed: exact */
        Entries(ConcurrentHashMap<K, Cell> map, int size) {
            this.map = map;
            this.size = size;
        }

        private Columns columns() {
            Columns filled = columns;
            return filled != null ? filled : fill();
        }

        private synchronized Columns fill() {
            if (columns == null) {
                Object[] keys = new Object[size];
                Object[] stored = new Object[size];
                int[] count = {0};
                map.forEach((key, cell) -> {
                    Object held = cell.stored;
                    if (held != VACANT) {
                        keys[count[0]] = key;
                        stored[count[0]++] = held;
                    }
                });
                columns = new Columns(keys, stored);
            }
            return columns;
        }

        @Override
        public TidefallHashMap.Entry<K, V> get(int index) {
            Objects.checkIndex(index, size);
            Columns filled = columns();
            return entry(filled.keys[index], filled.stored[index]);
        }

        @Override
        public TidefallHashMap.Entry<K, V> set(int index, TidefallHashMap.Entry<K, V> entry) {
            TidefallHashMap.Entry<K, V> previous = get(index);
            Columns filled = columns();
            filled.keys[index] = entry.key();
            filled.stored[index] = new Replaced(entry);
            return previous;
        }

        @Override
        public int size() {
            return size;
        }
    }

    /** A drained table's keys and what was stored for each, index by index. */
    private record Columns(Object[] keys, Object[] stored) {
    }

    /** An entry the processor stored into a drained list with {@code set}. */
    private record Replaced(TidefallHashMap.Entry<?, ?> entry) {
    }

    /**
     * One key's slot in a table: what the key's writes left (see the class comment). Its content
     * changes only through {@link #STORED}, by atomic accesses, inside the guard.
     */
    private static final class Cell {
        volatile Object stored;

        Cell(Object first) {
            // A plain store: the map's putIfAbsent publishes the cell (with release semantics)
            // before any other thread can find it, so no fence of its own is needed here.
            STORED.set(this, first);
        }
    }

    /** A value written by {@code putNewer}, with the version it won with; immutable. */
    private static final class Versioned {
        final Object value;
        final long version;
        /** How many times a {@code putNewer} replaced this key's value in this table, this one included (0: it replaced nothing). */
        final int updates;

        Versioned(Object value, long version, int updates) {
            this.value = value;
            this.version = version;
            this.updates = updates;
        }
    }
}

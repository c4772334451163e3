package io.tidefall;

import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The write table of a {@link TidefallHashMap}: a {@code ConcurrentHashMap} behind a
 * {@link WriterGuard}, so that a write either lands before the seal or is refused and retried on
 * the partition's fresh table.
 *
 * <p>Values are stored bare after a plain {@code put} (so that last-write-wins costs no
 * allocation beyond the map's own node) and wrapped in a {@link Versioned} after a
 * {@code putNewer}. {@code Versioned} is private to this package, so a user's value can never be
 * mistaken for one.
 */
final class MapTable<K, V> implements WriteTable<TidefallHashMap.Entry<K, V>> {

    /** The most keys a fresh table is sized for up front; beyond it the map grows as usual. */
    private static final int MAX_PRESIZE = 1 << 16;

    private final ConcurrentHashMap<K, Object> map;
    private final WriterGuard guard = new WriterGuard();

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
        int result;
        try {
            if (atCapacity(key, capacity)) {
                result = FULL;
            } else {
                boolean added = map.put(key, value) == null;
                result = added && filled(capacity) ? FILLED : WRITTEN;
            }
        } finally {
            leave(slot);
        }
        return result;
    }

    /**
     * Writes when {@code key} is absent or {@code version} is strictly newer.
     *
     * @return {@link #WRITTEN}, {@link #FILLED}, {@link #UNCHANGED} (the stored version was the
     *     same or newer), {@link #SEALED} or {@link #FULL}
     */
    int putNewer(K key, V value, long version, long capacity) {
        int slot = guard.enter();
        if (slot < 0) {
            return SEALED;
        }
        int result;
        try {
            if (atCapacity(key, capacity)) {
                result = FULL;
            } else {
                // One lookup under the bin's lock: the candidate decides, and is stored only if it wins.
                Versioned candidate = new Versioned(value, version);
                if (map.compute(key, candidate) != candidate) {
                    result = UNCHANGED;
                } else {
                    boolean added = candidate.updates == 0; // it replaced nothing
                    result = added && filled(capacity) ? FILLED : WRITTEN;
                }
            }
        } finally {
            leave(slot);
        }
        return result;
    }

    /**
     * Whether writing {@code key} would add a key beyond {@code capacity}. Unbounded tables pay
     * one comparison. Bounded ones count the map, so concurrent writers of new keys can overshoot
     * by at most one key each: the bound holds within the number of writing threads.
     */
    private boolean atCapacity(K key, long capacity) {
        return capacity != Long.MAX_VALUE && map.mappingCount() >= capacity && !map.containsKey(key);
    }

    /** {@link #WRITTEN} when the key was buffered and is gone, {@link #UNCHANGED} when absent, or {@link #SEALED}. */
    int remove(K key) {
        int slot = guard.enter();
        if (slot < 0) {
            return SEALED;
        }
        int result;
        try {
            result = map.remove(key) != null ? WRITTEN : UNCHANGED;
        } finally {
            leave(slot);
        }
        return result;
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

    /**
     * Whether the table holds its capacity now, asked after a write that added a key (so the
     * writers that fill a table ask for its drain, and those that overwrite do not); bounded
     * tables only, so unbounded ones pay one comparison.
     */
    private boolean filled(long capacity) {
        return capacity != Long.MAX_VALUE && map.mappingCount() >= capacity;
    }

    /** The buffered value, or {@code null}. Reads need no guard: a read cannot be lost. */
    @SuppressWarnings("unchecked")
    V get(K key) {
        Object stored = map.get(key);
        return stored instanceof Versioned versioned ? (V) versioned.value : (V) stored;
    }

    @Override
    public long size() {
        return map.mappingCount();
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
     */
    @Override
    public List<TidefallHashMap.Entry<K, V>> drain() {
        return new Entries<>(map); // sealed: nothing changes the map any more
    }

    /**
     * A drained table: random access, each entry made on reading; {@code set} and so sorting work.
     *
     * <p>Concurrency: the drain's runner reads it, and so may the thread that times the drain out
     * (it copies the chunks not started). The first read on any thread copies the map into
     * a {@link Columns} under this list's monitor, then publishes it by writing {@code columns}
     * (volatile); every later read starts with one volatile read of it.
     * {@code set} writes the arrays like any unsynchronized list: the processor owns the list.
     */
    private static final class Entries<K, V> extends AbstractList<TidefallHashMap.Entry<K, V>> implements RandomAccess {
        private final ConcurrentHashMap<K, Object> map;
        private final int size;
        /** {@code null} until the first read. */
        private volatile Columns columns;

        Entries(ConcurrentHashMap<K, Object> map) {
            this.map = map;
            this.size = map.size(); // exact: the map is sealed
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
                map.forEach((key, value) -> {
                    keys[count[0]] = key;
                    stored[count[0]++] = value;
                });
                columns = new Columns(keys, stored);
            }
            return columns;
        }

        @Override
        @SuppressWarnings("unchecked")
        public TidefallHashMap.Entry<K, V> get(int index) {
            Objects.checkIndex(index, size);
            Columns filled = columns();
            Object key = filled.keys[index];
            Object value = filled.stored[index];
            if (value instanceof Replaced replaced) {
                return (TidefallHashMap.Entry<K, V>) replaced.entry;
            }
            return value instanceof Versioned versioned
                    ? new TidefallHashMap.Entry<>((K) key, (V) versioned.value, versioned.version, versioned.updates)
                    : new TidefallHashMap.Entry<>((K) key, (V) value, 0, 0);
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
     * A value written by {@code putNewer}, with the version it won with. It is also the remapping
     * function that decides, under the map's lock for the key, whether it replaces what is stored;
     * {@code updates} is set there, before the map publishes it, and never changes afterwards.
     */
    private static final class Versioned implements BiFunction<Object, Object, Object> {
        final Object value;
        final long version;
        int updates;

        Versioned(Object value, long version) {
            this.value = value;
            this.version = version;
        }

        @Override
        public Object apply(Object key, Object stored) {
            if (stored == null) {
                return this;
            }
            if (stored instanceof Versioned previous) {
                if (version <= previous.version) {
                    return previous;
                }
                updates = previous.updates + 1;
                return this;
            }
            if (version <= 0) { // a plain put's value counts as version 0
                return stored;
            }
            updates = 1;
            return this;
        }
    }
}

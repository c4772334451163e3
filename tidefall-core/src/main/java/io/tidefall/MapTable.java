package io.tidefall;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

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

    private final ConcurrentHashMap<K, Object> map = new ConcurrentHashMap<>();
    private final WriterGuard guard = new WriterGuard();

    /**
     * Last write wins. A key that is already buffered is always overwritten; a new key is refused
     * when the table holds {@code capacity} keys.
     *
     * @return {@link #WRITTEN}, {@link #SEALED} or {@link #FULL}
     */
    int put(K key, V value, long capacity) {
        int slot = guard.enter();
        if (slot < 0) {
            return SEALED;
        }
        try {
            if (atCapacity(key, capacity)) {
                return FULL;
            }
            map.put(key, value);
            return WRITTEN;
        } finally {
            guard.exit(slot);
        }
    }

    /**
     * Writes when {@code key} is absent or {@code version} is strictly newer.
     *
     * @return {@link #WRITTEN}, {@link #UNCHANGED} (the stored version was the same or newer),
     *     {@link #SEALED} or {@link #FULL}
     */
    int putNewer(K key, V value, long version, long capacity) {
        int slot = guard.enter();
        if (slot < 0) {
            return SEALED;
        }
        try {
            for (;;) {
                Object current = map.get(key);
                if (current == null) {
                    if (atCapacity(key, capacity)) {
                        return FULL;
                    }
                    if (map.putIfAbsent(key, new Versioned(value, version, 0)) == null) {
                        return WRITTEN;
                    }
                } else {
                    if (version <= versionOf(current)) {
                        return UNCHANGED;
                    }
                    // Versioned has identity equality, so this is a compare-and-set on the holder.
                    if (map.replace(key, current, new Versioned(value, version, updatesOf(current) + 1))) {
                        return WRITTEN;
                    }
                }
            }
        } finally {
            guard.exit(slot);
        }
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
        try {
            return map.remove(key) != null ? WRITTEN : UNCHANGED;
        } finally {
            guard.exit(slot);
        }
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
    public void seal() {
        guard.seal();
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<TidefallHashMap.Entry<K, V>> drain() {
        List<TidefallHashMap.Entry<K, V>> entries = new ArrayList<>(map.size());
        map.forEach((key, stored) -> entries.add(stored instanceof Versioned versioned
                ? new TidefallHashMap.Entry<>(key, (V) versioned.value, versioned.version, versioned.updates)
                : new TidefallHashMap.Entry<>(key, (V) stored, 0, 0)));
        return entries;
    }

    private static long versionOf(Object stored) {
        return stored instanceof Versioned versioned ? versioned.version : 0;
    }

    private static int updatesOf(Object stored) {
        return stored instanceof Versioned versioned ? versioned.updates : 0;
    }

    /** A value written by {@code putNewer}, with the version it won with. Immutable. */
    private static final class Versioned {
        final Object value;
        final long version;
        final int updates;

        Versioned(Object value, long version, int updates) {
            this.value = value;
            this.version = version;
            this.updates = updates;
        }
    }
}

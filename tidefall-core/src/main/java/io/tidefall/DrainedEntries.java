package io.tidefall;

import io.tidefall.MapCell.Versioned;
import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The drained contents of a hash map table as the processor receives them: random access, each
 * entry made only when it is read; {@code set}, and so sorting, work. Its
 * arrays are filled before it is handed out and written afterwards only by {@code set}, like any
 * unsynchronized list: the processor owns it. The drain hands it to the processor's thread (and,
 * after a timeout, to a closing thread) through its own monitor.
 *
 * @param <K> the key type
 * @param <V> the value type
 * @param <E> the entry type, which {@code entries} makes
 */
final class DrainedEntries<K, V, E> extends AbstractList<E> implements RandomAccess {

    /** How a drained key becomes an element: {@code TidefallHashMap.Entry::new}, given by the buffer type. */
    @FunctionalInterface
    interface EntryMaker<K, V, E> {
        E entry(K key, V value, long version, int updates);
    }

    private final EntryMaker<K, V, E> entries;
    private final Object[] keys;
    /** What each key's cell held when it was frozen (never {@link MapCell#VACANT}), or a {@link Replaced}. */
    private final Object[] stored;

    DrainedEntries(EntryMaker<K, V, E> entries, Object[] keys, Object[] stored) {
        this.entries = entries;
        this.keys = keys;
        this.stored = stored;
    }

    @Override
    public E get(int index) {
        Objects.checkIndex(index, keys.length);
        return entry(entries, keys[index], stored[index]);
    }

    @Override
    public E set(int index, E entry) {
        E previous = get(index);
        stored[index] = new Replaced(entry);
        return previous;
    }

    @Override
    public int size() {
        return keys.length;
    }

    /** What the processor receives for a key and what its cell held (never {@link MapCell#VACANT}). */
    @SuppressWarnings("unchecked")
    static <K, V, E> E entry(EntryMaker<K, V, E> entries, Object key, Object stored) {
        if (stored instanceof Replaced replaced) {
            return (E) replaced.entry;
        }
        return stored instanceof Versioned versioned
                ? entries.entry((K) key, (V) versioned.value, versioned.version, versioned.updates)
                : entries.entry((K) key, (V) stored, 0, 0);
    }

    /** An entry the processor stored into a drained list with {@code set}. */
    private record Replaced(Object entry) {
    }
}

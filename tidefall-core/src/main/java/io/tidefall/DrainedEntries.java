package io.tidefall;

import io.tidefall.MapCell.Versioned;
import java.util.AbstractList;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The drained contents of a {@link MapTable} as the processor receives them: random access, each
 * {@link TidefallHashMap.Entry} made only when it is read; {@code set}, and so sorting, work. Its
 * arrays are filled before it is handed out and written afterwards only by {@code set}, like any
 * unsynchronized list: the processor owns it. The drain hands it to the processor's thread (and,
 * after a timeout, to a closing thread) through its own monitor.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class DrainedEntries<K, V> extends AbstractList<TidefallHashMap.Entry<K, V>> implements RandomAccess {

    private final Object[] keys;
    /** What each key's cell held when it was frozen (never {@link MapCell#VACANT}), or a {@link Replaced}. */
    private final Object[] stored;

    DrainedEntries(Object[] keys, Object[] stored) {
        this.keys = keys;
        this.stored = stored;
    }

    @Override
    public TidefallHashMap.Entry<K, V> get(int index) {
        Objects.checkIndex(index, keys.length);
        return entry(keys[index], stored[index]);
    }

    @Override
    public TidefallHashMap.Entry<K, V> set(int index, TidefallHashMap.Entry<K, V> entry) {
        TidefallHashMap.Entry<K, V> previous = get(index);
        keys[index] = entry.key();
        stored[index] = new Replaced(entry);
        return previous;
    }

    @Override
    public int size() {
        return keys.length;
    }

    /** What the processor receives for a key and what its cell held (never {@link MapCell#VACANT}). */
    @SuppressWarnings("unchecked")
    static <K, V> TidefallHashMap.Entry<K, V> entry(Object key, Object stored) {
        if (stored instanceof Replaced replaced) {
            return (TidefallHashMap.Entry<K, V>) replaced.entry;
        }
        return stored instanceof Versioned versioned
                ? new TidefallHashMap.Entry<>((K) key, (V) versioned.value, versioned.version, versioned.updates)
                : new TidefallHashMap.Entry<>((K) key, (V) stored, 0, 0);
    }

    /** An entry the processor stored into a drained list with {@code set}. */
    private record Replaced(TidefallHashMap.Entry<?, ?> entry) {
    }
}

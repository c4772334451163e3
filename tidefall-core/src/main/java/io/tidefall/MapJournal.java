package io.tidefall;

import io.tidefall.PartitionedBuffer.TableWrite;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * The journal side of a {@link TidefallHashMap}: its three writes with their records, and the
 * replay of a segment. A record is
 * <pre>
 *   byte operation (put, putNewer, delete) | long version | int key length | key | value (none for delete)
 * </pre>
 *
 * <p>Replay keeps the map's semantics across the crash. A segment is one table, and a delete acts
 * on its own table only, so each segment is first folded on its own, as its table would have
 * folded it (a put replaces, a putNewer replaces only an older version, a delete removes the key
 * from this segment's fold and no other); what survives is then written through the normal
 * {@code put} and {@code putNewer}, segment after segment, so newest-version-wins holds between
 * segments too. Two segments that both hold a key thus reach the processor as one entry (the
 * later put's, or the newest version), where without the crash they would have been two: the
 * processor of a coalescing buffer stores each key's newest value, so the outcome is the same.
 */
final class MapJournal<K, V> {

    private static final byte PUT = 'P';
    private static final byte PUT_NEWER = 'N';
    private static final byte DELETE = 'D';
    private static final byte[] NO_VALUE = new byte[0];

    private final Journal journal;
    private final ElementCodec<K> keys;
    private final ElementCodec<V> values;
    final TableWrite<MapTable<K, V, TidefallHashMap.Entry<K, V>>, K, V> put;
    final TableWrite<MapTable<K, V, TidefallHashMap.Entry<K, V>>, K, V> putNewer;
    final TableWrite<MapTable<K, V, TidefallHashMap.Entry<K, V>>, K, @Nullable V> remove;
    /** The highest version replayed; written by the building thread only. */
    private long newestVersion;

    MapJournal(Journal journal, @Nullable ElementCodec<K> keys, @Nullable ElementCodec<V> values,
            TableWrite<MapTable<K, V, TidefallHashMap.Entry<K, V>>, K, V> put,
            TableWrite<MapTable<K, V, TidefallHashMap.Entry<K, V>>, K, V> putNewer,
            TableWrite<MapTable<K, V, TidefallHashMap.Entry<K, V>>, K, @Nullable V> remove) {
        this.journal = journal;
        this.keys = Objects.requireNonNull(keys);
        this.values = Objects.requireNonNull(values);
        this.put = journal.journaled(put, (key, value, version) -> record(PUT, key, value, version));
        this.putNewer = journal.journaled(putNewer, (key, value, version) -> record(PUT_NEWER, key, value, version));
        this.remove = journal.journaled(remove, (key, value, version) -> record(DELETE, key, null, 0));
    }

    private byte[] record(byte operation, K key, @Nullable V value, long version) {
        byte[] keyBytes = Objects.requireNonNull(keys.encode(key), "the key codec encoded a key as null");
        byte[] valueBytes = value == null ? NO_VALUE
                : Objects.requireNonNull(values.encode(value), "the value codec encoded a value as null");
        return ByteBuffer.allocate(1 + 8 + 4 + keyBytes.length + valueBytes.length)
                .put(operation).putLong(version).putInt(keyBytes.length).put(keyBytes).put(valueBytes).array();
    }

    /** A key's fold within one segment. */
    private record Folded<V>(V value, long version, boolean versioned) {
    }

    /** Replays one segment: folds it (every record decoded first), then writes what survived. */
    void replay(List<byte[]> records, BiConsumer<K, V> put, PutNewer<K, V> putNewer) {
        Map<K, Folded<V>> fold = new LinkedHashMap<>();
        for (byte[] record : records) {
            ByteBuffer in = ByteBuffer.wrap(record);
            byte operation = in.get();
            long version = in.getLong();
            byte[] keyBytes = new byte[in.getInt()];
            in.get(keyBytes);
            K key = Objects.requireNonNull(keys.decode(keyBytes), "the key codec decoded a key as null");
            if (operation == DELETE) {
                fold.remove(key);
                continue;
            }
            byte[] valueBytes = new byte[in.remaining()];
            in.get(valueBytes);
            V value = Objects.requireNonNull(values.decode(valueBytes), "the value codec decoded a value as null");
            if (operation == PUT) {
                fold.put(key, new Folded<>(value, 0, false));
            } else if (operation == PUT_NEWER) {
                newestVersion = Math.max(newestVersion, version);
                Folded<V> before = fold.get(key);
                if (before == null || version > before.version()) {
                    fold.put(key, new Folded<>(value, version, true));
                }
            } else {
                throw new IllegalStateException("unknown journal operation " + operation);
            }
        }
        fold.forEach((key, folded) -> {
            if (folded.versioned()) {
                putNewer.putNewer(key, folded.value(), folded.version());
            } else {
                put.accept(key, folded.value());
            }
        });
    }

    long newestVersion() {
        return newestVersion;
    }

    JournalStats stats() {
        return journal.stats();
    }

    /** {@link TidefallHashMap#putNewer(Object, Object, long)}, for the replay. */
    @FunctionalInterface
    interface PutNewer<K, V> {
        boolean putNewer(K key, V value, long version);
    }
}

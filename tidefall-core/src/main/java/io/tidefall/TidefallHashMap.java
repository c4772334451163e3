package io.tidefall;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * A buffer that coalesces writes by key: within one interval, many writes to a key become one
 * {@link Entry} for the processor. {@link #put} is last-write-wins; {@link #putNewer} keeps the
 * write with the highest version.
 *
 * <pre>{@code
 * TidefallHashMap<String, Presence> presence = TidefallHashMap.<String, Presence>builder("presence")
 *         .processor(entries -> repository.upsertAll(entries))
 *         .build();
 * presence.start();
 * presence.putNewer("u1", new Presence("online"), heartbeatMillis);
 * }</pre>
 *
 * <p>Reads ({@link #get}) and {@link #delete} act on the current write table only: a key that was
 * already swapped out is on its way to the processor and no longer visible. Versions do not
 * survive a swap, as in the Elixir original.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class TidefallHashMap<K, V> extends PartitionedBuffer<TidefallHashMap.Entry<K, V>, MapTable<K, V, TidefallHashMap.Entry<K, V>>> {

    /** Versions for {@link #putNewer(Object, Object)}: JVM-wide, strictly increasing, positive. */
    private static final AtomicLong VERSIONS = new AtomicLong();

    /** The write-ahead journal of a durable map and its writes with their records; all {@code null} for MEMORY. */
    private final @Nullable MapJournal<K, V> journal;

    private TidefallHashMap(Builder<K, V> builder) {
        this(builder, builder.openJournal(JournalFrame.KIND_MAP, builder.keyCodec != null,
                builder.loggers.apply(TidefallHashMap.class.getName())));
    }

    private TidefallHashMap(Builder<K, V> builder, @Nullable Journal journal) {
        super(builder, builder.partitionKey, DeliveryOrder.pushOrder(),
                expectedSize -> new MapTable<>(expectedSize, Entry::new), journal);
        this.journal = journal == null ? null
                : new MapJournal<>(journal, builder.keyCodec, builder.valueCodec, put(), putNewer(), remove());
        if (journal != null) {
            journal.recover(records -> this.journal.replay(records, this::put, this::putNewer));
            VERSIONS.accumulateAndGet(this.journal.newestVersion(), Math::max); // putNewer without a version beats replayed ones
        }
    }

    /** The write-ahead journal of a durable map; empty for {@link Durability#MEMORY}. */
    public Optional<JournalStats> journalStats() {
        return Optional.ofNullable(journal).map(MapJournal::stats);
    }

    public static <K, V> Builder<K, V> builder(String name) {
        return new Builder<>(name);
    }

    /**
     * Buffers {@code value} for {@code key}, replacing what is buffered (version 0, updates 0).
     * Overwriting a buffered key never overflows; a new key in a partition at
     * {@linkplain BufferOptions#capacity() capacity} meets the overflow policy.
     *
     * @throws NullPointerException naming the key or value that was null
     * @throws IllegalStateException if the buffer is closed
     */
    public void put(K key, V value) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null");
        write(partitionFor(key), journal == null ? put() : journal.put, key, value, 0);
    }

    /**
     * {@link #put} for each entry. Null keys or values are rejected before anything is written,
     * so a rejected call changes nothing. Capacity applies entry by entry, as in {@link #put}.
     */
    public void putAll(Map<? extends K, ? extends V> entries) {
        Objects.requireNonNull(entries, "entries must not be null");
        entries.forEach((key, value) -> {
            Objects.requireNonNull(key, "entries must not contain a null key");
            Objects.requireNonNull(value, "entries must not contain a null value (key " + key + ")");
        });
        entries.forEach(this::put);
    }

    /**
     * Buffers {@code value} if {@code key} is absent, or if {@code version} is strictly greater
     * than the buffered version (a plain {@link #put} counts as version 0); each replacement
     * increments the entry's {@code updates}.
     *
     * @return whether the value was written ({@code false} also when it was dropped by overflow)
     */
    public boolean putNewer(K key, V value, long version) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null");
        return write(partitionFor(key), journal == null ? putNewer() : journal.putNewer, key, value, version).accepted();
    }

    /**
     * {@link #putNewer(Object, Object, long)} for each entry, all with {@code version}. Null keys
     * or values are rejected before anything is written.
     *
     * @return how many entries were written (the others were stale, or dropped by overflow)
     */
    public int putAllNewer(Map<? extends K, ? extends V> entries, long version) {
        Objects.requireNonNull(entries, "entries must not be null");
        entries.forEach((key, value) -> {
            Objects.requireNonNull(key, "entries must not contain a null key");
            Objects.requireNonNull(value, "entries must not contain a null value (key " + key + ")");
        });
        int written = 0;
        for (Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
            if (putNewer(entry.getKey(), entry.getValue(), version)) {
                written++;
            }
        }
        return written;
    }

    /**
     * {@link #putNewer(Object, Object, long)} with the next value of a JVM-wide, strictly
     * increasing counter, so it always beats a plain {@link #put} and every earlier
     * {@code putNewer} without a version.
     */
    public boolean putNewer(K key, V value) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null");
        return putNewer(key, value, VERSIONS.incrementAndGet());
    }

    /** The value buffered for {@code key} in the current write table, or {@code null}. */
    public @Nullable V get(K key) {
        Objects.requireNonNull(key, "key must not be null");
        return partitionFor(key).table().get(key);
    }

    public @Nullable V getOrDefault(K key, @Nullable V defaultValue) {
        @Nullable V value = get(key);
        return value != null ? value : defaultValue;
    }

    /**
     * Removes {@code key} from the current write table, so the processor will not receive it.
     *
     * @return whether the key was buffered
     */
    public boolean delete(K key) {
        Objects.requireNonNull(key, "key must not be null");
        return write(partitionFor(key), journal == null ? remove() : journal.remove, key, null, 0) == WriteResult.WRITTEN;
    }

    // The map's writes: constants, so that a write allocates nothing (see PartitionedBuffer.write).
    private static final TableWrite<MapTable<Object, Object, Object>, Object, Object> PUT =
            (table, key, value, version, capacity) -> table.put(key, value, capacity);
    private static final TableWrite<MapTable<Object, Object, Object>, Object, Object> PUT_NEWER = MapTable::putNewer;
    private static final TableWrite<MapTable<Object, Object, Object>, Object, Object> REMOVE =
            (table, key, unused, version, capacity) -> table.remove(key);

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <K, V> TableWrite<MapTable<K, V, Entry<K, V>>, K, V> put() {
        return (TableWrite) PUT;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <K, V> TableWrite<MapTable<K, V, Entry<K, V>>, K, V> putNewer() {
        return (TableWrite) PUT_NEWER;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <K, V> TableWrite<MapTable<K, V, Entry<K, V>>, K, @Nullable V> remove() {
        return (TableWrite) REMOVE;
    }

    /**
     * What the processor receives for each key: the value that won, its version (0 after a plain
     * {@code put}) and how many times {@code putNewer} replaced it in this table.
     */
    public record Entry<K, V>(K key, V value, long version, int updates) {
    }

    /** Builds a {@link TidefallHashMap}; the buffer starts only when {@link #start()} is called. */
    public static final class Builder<K, V> extends BufferBuilder<Entry<K, V>, Builder<K, V>> {

        private @Nullable Function<? super K, ?> partitionKey;
        private @Nullable ElementCodec<K> keyCodec;
        private @Nullable ElementCodec<V> valueCodec;

        private Builder(String name) {
            super(name);
        }

        /** Routes each key by {@code partitionKey.apply(key)} instead of the key itself. */
        public Builder<K, V> partitionKey(Function<? super K, ?> partitionKey) {
            this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey must not be null");
            return this;
        }

        /** Turns keys and values into journal records and back; required for a durable {@linkplain #durability durability}. */
        public Builder<K, V> codec(ElementCodec<K> keyCodec, ElementCodec<V> valueCodec) {
            this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec must not be null");
            this.valueCodec = Objects.requireNonNull(valueCodec, "valueCodec must not be null");
            return this;
        }

        @Override
        public TidefallHashMap<K, V> build() {
            return new TidefallHashMap<>(this);
        }
    }
}

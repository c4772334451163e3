package io.tidefall;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * A buffer that keeps every item: the processor receives each pushed item exactly once, in the
 * order it was pushed within its partition (or sorted by the {@linkplain Builder#ordering
 * ordering}, ties in push order).
 *
 * <pre>{@code
 * TidefallQueue<PageView> views = TidefallQueue.<PageView>builder("page-views")
 *         .processor(batch -> repository.insertAll(batch))
 *         .partitions(4)
 *         .options(BufferOptions.defaults().withProcessingInterval(Duration.ofMillis(250)))
 *         .build();
 * views.start();
 * views.push(new PageView("u1", "/home"));
 * }</pre>
 *
 * <p>Items are routed to a partition by their own hash, by the builder's
 * {@linkplain Builder#partitionKey partitionKey} function, or by the key given to
 * {@link #push(Object, Object)}: items with the same routing key keep their relative order.
 *
 * @param <T> the item type
 */
public final class TidefallQueue<T> extends PartitionedBuffer<T, QueueTable<T>> {

    /** Computes each item's sort key on the writer's thread; {@code null}: none. */
    private final @Nullable Function<? super T, ? extends Comparable<?>> sortKey;

    /** The write-ahead journal and codec of a durable queue; {@code null} for {@link Durability#MEMORY}. */
    private final @Nullable Journal journal;
    private final @Nullable ElementCodec<T> codec;
    /** {@link #APPEND} with its journal record, for a durable queue; {@code null}: {@link #APPEND} itself. */
    private final @Nullable TableWrite<QueueTable<Object>, Object, Void> journaledAppend;

    private TidefallQueue(Builder<T> builder) {
        this(builder, builder.openJournal(JournalFrame.KIND_QUEUE, builder.codec != null,
                builder.loggers.apply(TidefallQueue.class.getName())));
    }

    private TidefallQueue(Builder<T> builder, @Nullable Journal journal) {
        super(builder, builder.partitionKey, deliveryOrderOf(builder), expectedSize -> new QueueTable<>(), journal);
        this.sortKey = builder.sortKey;
        this.journal = journal;
        this.codec = builder.codec;
        this.journaledAppend = journal == null ? null : journal.journaled(APPEND, (stored, unused, version) -> encode(stored));
        if (journal != null) {
            journal.recover(this::replay); // before the buffer is returned: no write can come first
        }
    }

    /** The record of one push: the item's bytes (a sort key is computed again on replay). */
    @SuppressWarnings("unchecked")
    private byte[] encode(Object stored) {
        T item = stored instanceof DeliveryOrder.Keyed<?> pair ? (T) pair.item : (T) stored;
        byte[] bytes = codec.encode(item);
        if (bytes == null) {
            throw new NullPointerException("codec of buffer '" + name() + "' encoded " + item + " as null");
        }
        return bytes;
    }

    /** Pushes one segment's items again, every one decoded first: a segment that cannot be read pushes nothing. */
    private void replay(List<byte[]> records) {
        List<T> items = new ArrayList<>(records.size());
        for (byte[] record : records) {
            items.add(Objects.requireNonNull(codec.decode(record), "the codec decoded a journal record as null"));
        }
        items.forEach(this::push);
    }

    /** The write-ahead journal of a durable queue; empty for {@link Durability#MEMORY}. */
    public Optional<JournalStats> journalStats() {
        return Optional.ofNullable(journal).map(Journal::stats);
    }

    private static <T> DeliveryOrder<T> deliveryOrderOf(Builder<T> builder) {
        if (builder.sortKey != null && builder.ordering != null) {
            throw new IllegalStateException("Buffer '" + builder.name + "' has both a sortKey and an ordering: "
                    + "choose one (sortKey runs at push, ordering at drain)");
        }
        return builder.sortKey != null ? DeliveryOrder.bySortKey()
                : builder.ordering != null ? DeliveryOrder.by(builder.ordering) : DeliveryOrder.pushOrder();
    }

    public static <T> Builder<T> builder(String name) {
        return new Builder<>(name);
    }

    /**
     * Adds {@code item} to the partition of its routing key. Lock-free; allocates nothing but, once
     * every 1,024 items of a partition, an array segment of the write table.
     *
     * <p>When the partition is at {@linkplain BufferOptions#capacity() capacity}, the
     * {@linkplain BufferOptions#overflow() overflow policy} decides: wait for room, drop the item,
     * or throw.
     *
     * @throws NullPointerException if {@code item} is null
     * @throws IllegalStateException if the buffer is closed
     * @throws BufferFullException if the partition is full and the policy is FAIL, or BLOCK past maxBlock
     */
    public void push(T item) {
        Objects.requireNonNull(item, "item must not be null");
        append(partitionFor(item), stored(item));
    }

    /** Adds {@code item} to the partition of {@code partitionKey}, overriding the buffer's routing. */
    public void push(T item, Object partitionKey) {
        Objects.requireNonNull(item, "item must not be null");
        append(partitionForKey(partitionKey), stored(item));
    }

    /**
     * Pushes each item in iteration order. Null items are rejected, and sort keys computed, before
     * any item is pushed, so a rejected call changes nothing. Capacity applies item by item: under
     * FAIL or BLOCK a {@link BufferFullException} leaves the items before it pushed and the rest not.
     */
    public void pushAll(Collection<? extends T> items) {
        if (sortKey == null) { // the common case pays what it always did: no copy, no pair
            for (T item : checked(items)) {
                append(partitionFor(item), item);
            }
            return;
        }
        for (DeliveryOrder.Keyed<T> pair : keyed(items)) {
            append(partitionFor(pair.item), pair);
        }
    }

    /**
     * Pushes every item to the partition of {@code partitionKey}, in iteration order, so that they
     * stay together and in order whatever the buffer's routing; otherwise as {@link #pushAll(Collection)}.
     */
    public void pushAll(Collection<? extends T> items, Object partitionKey) {
        Partition<T, QueueTable<T>> partition = partitionForKey(partitionKey);
        if (sortKey == null) {
            for (T item : checked(items)) {
                append(partition, item);
            }
            return;
        }
        for (DeliveryOrder.Keyed<T> pair : keyed(items)) {
            append(partition, pair);
        }
    }

    /** {@code items}, once every one is known not to be null: a rejected call writes nothing. */
    private static <T> Collection<? extends T> checked(Collection<? extends T> items) {
        Objects.requireNonNull(items, "items must not be null");
        for (T item : items) {
            Objects.requireNonNull(item, "items must not contain null");
        }
        return items;
    }

    /** Every item with its sort key, all computed before any is written: a key that throws writes nothing. */
    private List<DeliveryOrder.Keyed<T>> keyed(Collection<? extends T> items) {
        List<DeliveryOrder.Keyed<T>> pairs = new ArrayList<>(checked(items).size());
        for (T item : items) {
            pairs.add(keyed(item));
        }
        return pairs;
    }

    /** What the table holds for {@code item}: itself, or, with a sort key, the pair of key and item. */
    private Object stored(T item) {
        return sortKey == null ? item : keyed(item);
    }

    private DeliveryOrder.Keyed<T> keyed(T item) {
        Comparable<?> key = sortKey.apply(item); // on the writer's thread: what it throws, the push throws
        if (key == null) {
            throw new NullPointerException("sortKey of buffer '" + name() + "' returned null for " + item);
        }
        return new DeliveryOrder.Keyed<>(key, item);
    }

    /** The queue's one write: append the element to the table (a sort key's pair is stored as it is). */
    private static final TableWrite<QueueTable<Object>, Object, Void> APPEND =
            (table, stored, unused, version, capacity) -> table.append(stored, capacity);

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void append(Partition<T, QueueTable<T>> partition, Object stored) {
        // A Keyed pair for a queue with a sort key: the table never looks inside what it stores.
        write((Partition) partition, (TableWrite) (journaledAppend == null ? APPEND : journaledAppend), stored, null, 0);
    }

    /** Builds a {@link TidefallQueue}; the buffer starts only when {@link #start()} is called. */
    public static final class Builder<T> extends BufferBuilder<T, Builder<T>> {

        private @Nullable Function<? super T, ?> partitionKey;
        private @Nullable Comparator<? super T> ordering;
        private @Nullable Function<? super T, ? extends Comparable<?>> sortKey;
        private @Nullable ElementCodec<T> codec;

        private Builder(String name) {
            super(name);
        }

        /** Routes each item by {@code partitionKey.apply(item)} instead of the item itself. */
        public Builder<T> partitionKey(Function<? super T, ?> partitionKey) {
            this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey must not be null");
            return this;
        }

        /**
         * Sorts each drained table by a key computed from each item when it is pushed, on the
         * writer's thread, ties in push order: what the function throws, the push throws, and
         * nothing of that call is written; the key may capture push-time state. Keys of one table
         * must be mutually comparable. Not together with {@link #ordering}.
         */
        public Builder<T> sortKey(Function<? super T, ? extends Comparable<?>> sortKey) {
            this.sortKey = Objects.requireNonNull(sortKey, "sortKey must not be null");
            return this;
        }

        /** Turns items into journal records and back; required for a durable {@linkplain #durability durability}. */
        public Builder<T> codec(ElementCodec<T> codec) {
            this.codec = Objects.requireNonNull(codec, "codec must not be null");
            return this;
        }

        /** Sorts each drained table before it is cut into batches; ties keep push order. */
        public Builder<T> ordering(Comparator<? super T> ordering) {
            this.ordering = Objects.requireNonNull(ordering, "ordering must not be null");
            return this;
        }

        @Override
        public TidefallQueue<T> build() {
            return new TidefallQueue<>(this);
        }
    }
}

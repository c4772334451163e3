package io.tidefall;

import java.util.Collection;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.Function;

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

    private TidefallQueue(Builder<T> builder) {
        super(builder, builder.partitionKey, builder.ordering, expectedSize -> new QueueTable<>());
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
        append(partitionFor(item), item);
    }

    /** Adds {@code item} to the partition of {@code partitionKey}, overriding the buffer's routing. */
    public void push(T item, Object partitionKey) {
        Objects.requireNonNull(item, "item must not be null");
        append(partitionForKey(partitionKey), item);
    }

    /**
     * Pushes each item in iteration order. Null items are rejected before any item is pushed, so
     * a rejected call changes nothing. Capacity applies item by item: under FAIL or BLOCK a
     * {@link BufferFullException} leaves the items before it pushed and the rest not.
     */
    public void pushAll(Collection<? extends T> items) {
        Objects.requireNonNull(items, "items must not be null");
        for (T item : items) {
            Objects.requireNonNull(item, "items must not contain null");
        }
        for (T item : items) {
            append(partitionFor(item), item);
        }
    }

    private void append(Partition<T, QueueTable<T>> partition, T item) {
        long waitingSince = NOT_WAITING;
        for (;;) {
            int result = partition.table().append(item, capacity());
            if (result == WriteTable.WRITTEN) {
                return;
            }
            if (result == WriteTable.FILLED) {
                filled(partition);
                return;
            }
            if (result == WriteTable.SEALED) {
                retryOrRefuse(); // the table was sealed by a swap: the partition already has a fresh one
            } else if ((waitingSince = onFull(partition, waitingSince)) == DROPPED) {
                return;
            }
        }
    }

    /** Builds a {@link TidefallQueue}; the buffer starts only when {@link #start()} is called. */
    public static final class Builder<T> extends BufferBuilder<T, Builder<T>> {

        private Function<? super T, ?> partitionKey;
        private Comparator<? super T> ordering;

        private Builder(String name) {
            super(name);
        }

        /** Routes each item by {@code partitionKey.apply(item)} instead of the item itself. */
        public Builder<T> partitionKey(Function<? super T, ?> partitionKey) {
            this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey must not be null");
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

package io.tidefall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * The engine shared by every buffer type: partitions, routing, options, lifecycle. A buffer type
 * adds its write methods and supplies its table; it never touches swaps, drains or timers.
 *
 * <p>Lifecycle: NEW (writes accepted, nothing drains) -> {@link #start()} -> RUNNING ->
 * {@link #close()} -> CLOSED (writes refused). {@code state} is written under {@code lifecycle}
 * and read by writers only after a table refused them, never on the fast path: a closed
 * partition's table is sealed for good, which is what turns writers away.
 *
 * @param <E> the element type the processor receives
 * @param <W> the write table type
 */
abstract class PartitionedBuffer<E, W extends WriteTable<E>> implements Buffer {

    private enum State { NEW, RUNNING, CLOSED }

    private final String name;
    /** {@code null}: each element (a queue's item, a map's key) is its own routing key. */
    private final @Nullable Function<? super Object, ?> partitionKey;
    private final Partition<E, W>[] partitions;
    private final BufferContext<E> context;
    private final List<Runnable> ownedResources = new ArrayList<>();
    private final Listeners listeners;

    private final Object lifecycle = new Object();
    private volatile State state = State.NEW;
    private volatile BufferOptions options;

    /**
     * {@code options.capacity()} as a plain long ({@code Long.MAX_VALUE} when unbounded), so that
     * the write path reads one volatile field and no boxed value. Written with {@code options}.
     */
    private volatile long capacity;

    @SuppressWarnings("unchecked")
    PartitionedBuffer(BufferBuilder<E, ?> builder, @Nullable Function<?, ?> partitionKey, DeliveryOrder<E> deliveryOrder,
            LongFunction<W> freshTable, @Nullable Journal journal) { // journal: durable buffers only
        BatchProcessor<? super E> processor = builder.requireProcessor();
        this.name = builder.name;
        this.partitionKey = (Function<? super Object, ?>) partitionKey;
        this.options = builder.options;
        this.capacity = capacityOf(builder.options);
        System.Logger log = Objects.requireNonNull(builder.loggers.apply(getClass().getName()), "loggers gave no logger");
        this.listeners = new Listeners(log);
        builder.listeners.forEach(listeners::add);
        // A failure handler or processor of a supertype only reads the elements, so it can take a List<E>.
        OwnThreads threads = new OwnThreads(name, builder.threadFactory);
        Scheduler scheduler = builder.scheduler != null ? builder.scheduler : ownedScheduler(threads);
        FailureReporter<E> failures = new FailureReporter<>(name, (BatchFailureHandler<E>) builder.failureHandler,
                listeners, new FailureLog(log, name, builder.partitions, builder.ticker, scheduler));
        this.context = new BufferContext<>(name, (BatchProcessor<E>) processor, deliveryOrder, builder.retryPolicy,
                failures, listeners,
                builder.executor != null ? builder.executor : ownedExecutor(threads),
                scheduler, threads, builder.ticker, this::options, log, journal);
        if (journal != null) {
            ownedResources.add(journal::close);
        }
        this.partitions = new Partition[builder.partitions];
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = new Partition<>(context, i, freshTable);
        }
    }

    // ---- the write path -------------------------------------------------------------------

    /** The partition for an element whose default routing key is {@code element}. */
    final Partition<E, W> partitionFor(Object element) {
        if (partitions.length == 1) {
            return partitions[0];
        }
        Object key = partitionKey == null ? element : partitionKey.apply(element);
        if (key == null) {
            throw new NullPointerException("partitionKey function of buffer '" + name + "' returned null for " + element);
        }
        return partitions[Hashing.partitionOf(key, partitions.length)];
    }

    /** The partition for an explicit routing key, which overrides the partitionKey function. */
    final Partition<E, W> partitionForKey(Object key) {
        Objects.requireNonNull(key, "partitionKey must not be null");
        return partitions.length == 1 ? partitions[0] : partitions[Hashing.partitionOf(key, partitions.length)];
    }

    /**
     * One write into a table of this buffer's shape: the table's answer, and nothing else. Buffer
     * types pass a constant (non-capturing) one, with the write's arguments beside it, so that a
     * write allocates nothing.
     */
    @FunctionalInterface
    interface TableWrite<W, K, V> {
        WriteResult apply(W table, K key, V value, long version, long capacity);
    }

    /**
     * The writer protocol, the same for every buffer type: writes into the partition's table and
     * acts on its answer. A table that filled asks the partition for a drain now; a table that was
     * sealed by a swap means the partition already has a fresh one, so the write is tried there,
     * unless the buffer is closed; a full table meets the overflow policy. Every write that
     * returns {@link WriteResult#WRITTEN} or {@link WriteResult#FILLED} is in a table that will be
     * drained.
     *
     * <p>The first attempt is inlined into each caller, so the common case is one table call; the
     * rest is {@link #afterRefusal}.
     *
     * @return {@link WriteResult#WRITTEN}, {@link WriteResult#FILLED}, {@link WriteResult#UNCHANGED}
     *     or {@link WriteResult#DROPPED}
     * @throws IllegalStateException naming the buffer, once it is closed
     * @throws BufferFullException under overflow FAIL, or BLOCK past {@code maxBlock}
     */
    final <K, V> WriteResult write(Partition<E, W> partition, TableWrite<W, K, V> write, K key, V value, long version) {
        WriteResult result = write.apply(partition.table(), key, value, version, capacity);
        return result == WriteResult.WRITTEN ? result : afterRefusal(partition, write, key, value, version, result);
    }

    private <K, V> WriteResult afterRefusal(Partition<E, W> partition, TableWrite<W, K, V> write, K key, V value,
            long version, WriteResult first) {
        long waitingSince = NOT_WAITING;
        for (WriteResult result = first;; result = write.apply(partition.table(), key, value, version, capacity)) {
            switch (result) {
                case WRITTEN, UNCHANGED -> {
                    return result;
                }
                case FILLED -> {
                    partition.requestDrain(); // the table is full: drain it now, not at the tick
                    return result;
                }
                case SEALED -> refuseIfClosed(); // sealed by a swap: the partition already has a fresh table
                case FULL -> {
                    waitingSince = onFull(partition, waitingSince);
                    if (waitingSince == DROPPED_NOW) {
                        return WriteResult.DROPPED;
                    }
                }
                case DROPPED -> throw new IllegalStateException("a table answered DROPPED, which only the protocol may");
            }
        }
    }

    private void refuseIfClosed() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("Buffer '" + name + "' is closed; it accepts no more writes");
        }
    }

    /** What {@link #onFull} returns when the write was dropped. */
    private static final long DROPPED_NOW = Long.MIN_VALUE;
    /** What a writer passes to {@link #onFull} the first time: it has not waited yet. */
    private static final long NOT_WAITING = Long.MIN_VALUE + 1;

    /**
     * A write that found its partition full: asks the partition to drain, then applies the
     * overflow policy. Returns {@link #DROPPED_NOW}, or (for BLOCK, after a short park) the time
     * the writer started waiting, to pass back on its next attempt.
     *
     * @throws BufferFullException under FAIL, or under BLOCK once {@code maxBlock} has passed
     */
    private long onFull(Partition<E, W> partition, long waitingSince) {
        BufferOptions now = options;
        long capacityNow = capacity;
        if (waitingSince == NOT_WAITING) {
            partition.requestDrain();
        }
        switch (now.overflow()) {
            case DROP -> {
                partition.dropped(1, "overflow");
                return DROPPED_NOW;
            }
            case FAIL -> throw full(partition, "is full (capacity " + capacityNow + ", overflow FAIL)");
            default -> {
                long nowNanos = context.ticker().read();
                long start = waitingSince == NOT_WAITING ? nowNanos : waitingSince;
                long waited = nowNanos - start;
                if (waited >= now.maxBlock().toNanos()) {
                    throw full(partition, "stayed full (capacity " + capacityNow + ") for maxBlock " + now.maxBlock());
                }
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw full(partition, "is full (capacity " + capacityNow + ") and the writer was interrupted while waiting");
                }
                // Polling is fine here: the write path pays nothing for it, and a blocked writer is waiting for a drain anyway.
                LockSupport.parkNanos(Math.min(now.maxBlock().toNanos() - waited, BLOCK_POLL_NANOS));
                return start; // a ticker never returns the sentinels in practice: they are 2^63 ns (292 years) away from any origin it uses
            }
        }
    }

    private static final long BLOCK_POLL_NANOS = 100_000;

    private BufferFullException full(Partition<E, W> partition, String what) {
        return new BufferFullException(name, partition.index(),
                "Buffer '" + name + "' partition " + partition.index() + " " + what);
    }

    private static long capacityOf(BufferOptions options) {
        return options.hasCapacity() ? options.capacity() : Long.MAX_VALUE;
    }

    // ---- Buffer ---------------------------------------------------------------------------

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int partitions() {
        return partitions.length;
    }

    @Override
    public final long bufferSize() {
        long size = 0;
        for (Partition<E, W> partition : partitions) {
            size += partition.size();
        }
        return size;
    }

    @Override
    public final long drainingSize() {
        long size = 0;
        for (Partition<E, W> partition : partitions) {
            size += partition.drainingSize();
        }
        return size;
    }

    @Override
    public final long bufferSize(int partition) {
        return partition(partition).size();
    }

    @Override
    public final PartitionStats stats(int partition) {
        return partition(partition).stats();
    }

    @Override
    public final BufferOptions options() {
        return options;
    }

    @Override
    public final void updateOptions(UnaryOperator<BufferOptions> change) {
        Objects.requireNonNull(change, "change must not be null");
        BufferOptions before;
        BufferOptions after;
        synchronized (lifecycle) {
            before = options;
            after = change.apply(before); // withers validate: an invalid value throws here, before anything changes
            if (after == null) {
                throw new IllegalArgumentException("options change of buffer '" + name + "' returned null");
            }
            options = after;
            capacity = capacityOf(after);
            for (Partition<E, W> partition : partitions) {
                partition.optionsChanged(before, after);
            }
        }
    }

    @Override
    public final void start() {
        synchronized (lifecycle) {
            if (state == State.CLOSED) {
                throw new IllegalStateException("Buffer '" + name + "' is closed and cannot be started again");
            }
            if (state == State.RUNNING) {
                return;
            }
            state = State.RUNNING;
            for (Partition<E, W> partition : partitions) {
                partition.start();
            }
        }
    }

    @Override
    public final boolean isRunning() {
        return state == State.RUNNING;
    }

    @Override
    public final void addListener(BufferListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
    }

    @Override
    public final void removeListener(BufferListener listener) {
        listeners.remove(listener);
    }

    @Override
    public final FlushResult flush() {
        FlushResult result = FlushResult.EMPTY;
        for (Partition<E, W> partition : partitions) {
            result = result.plus(partition.flush());
        }
        return result;
    }

    @Override
    public final void close() {
        close(options.processingTimeout().multipliedBy(2));
    }

    @Override
    public final void close(Duration budget) {
        Objects.requireNonNull(budget, "budget must not be null");
        if (budget.isNegative()) {
            throw new IllegalArgumentException("close budget of buffer '" + name + "' must not be negative, but was " + budget);
        }
        synchronized (lifecycle) {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        }
        ClosePlan plan = ClosePlan.of(budget, context.ticker().read(), bufferSize() + drainingSize());
        List<Thread> closers = new ArrayList<>(partitions.length);
        for (Partition<E, W> partition : partitions) {
            W retired = partition.retireForClose();
            closers.add(context.threads().start("close", () -> partition.closeBy(retired, plan.handOverAt(), plan.deadline())));
        }
        boolean interrupted = false;
        for (Thread closer : closers) {
            for (long left = plan.waitUntil() - context.ticker().read(); closer.isAlive() && left > 0;
                    left = plan.waitUntil() - context.ticker().read()) {
                try {
                    TimeUnit.NANOSECONDS.timedJoin(closer, left);
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: the budget bounds this call, not an interrupt
                }
            }
            if (closer.isAlive()) {
                context.log().log(System.Logger.Level.ERROR, "Buffer ''{0}'': a partition did not finish closing within "
                        + "the budget {1} (its failure handler does not return?); close() returns without it", name, budget);
            }
        }
        context.failures().close();
        ownedResources.forEach(Runnable::run);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + ", partitions=" + partitions.length + ", " + state + "]";
    }

    private Partition<E, W> partition(int index) {
        if (index < 0 || index >= partitions.length) {
            throw new IndexOutOfBoundsException(
                    "Buffer '" + name + "' has partitions 0.." + (partitions.length - 1) + "; there is no partition " + index);
        }
        return partitions[index];
    }

    /** Daemon threads created on demand: at most one drain per partition runs at a time. */
    private Executor ownedExecutor(OwnThreads threads) {
        ExecutorService pool = Executors.newCachedThreadPool(threads.factory("drain"));
        ownedResources.add(pool::shutdown);
        return pool;
    }

    private Scheduler ownedScheduler(OwnThreads threads) {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, threads.factory("timer"));
        timer.setRemoveOnCancelPolicy(true);
        ownedResources.add(timer::shutdownNow);
        return Scheduler.of(timer);
    }
}

package io.tidefall.bench;

import com.github.phantomthief.collection.BufferTrigger;
import io.tidefall.BatchProcessor;
import io.tidefall.TidefallHashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Writes into a map-shaped buffer while its table is swapped every {@code interval}, keys uniform
 * in [0, 100000): Tidefall, the {@code ConcurrentHashMap} ceilings, and buffer-trigger.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MapWrite {

    /** Each thread's own key sequence (also the distinct items of the queue benchmarks) and version counter. */
    @State(Scope.Thread)
    public static class Keys {
        private static final AtomicLong SEEDS = new AtomicLong(42);

        Integer[] keys;
        int next;
        long version;

        @Setup(Level.Trial)
        public void fill() {
            keys = Fixtures.randomKeys(SEEDS.getAndIncrement());
        }

        Integer next() {
            return keys[next++ & (keys.length - 1)];
        }
    }

    @State(Scope.Benchmark)
    public static class Tidefall {
        @Param({"1ms", "5s"})
        String interval;

        /** The processor's chunk size: 1,000 as in the drain benchmark; {@code -p batch=10} for the engine default. */
        @Param({"1000"})
        String batch;

        TidefallHashMap<Integer, Object> map;

        @Setup(Level.Iteration)
        public void start() {
            map = map(interval, batch, this::process);
        }

        /** A started map as users build it (the default partition count, one per processor) that swaps every {@code interval}, in chunks of {@code batch}. */
        static TidefallHashMap<Integer, Object> map(String interval, String batch,
                                                    BatchProcessor<TidefallHashMap.Entry<Integer, Object>> processor) {
            TidefallHashMap<Integer, Object> map = Fixtures.partitioned(TidefallHashMap.<Integer, Object>builder("bench-map"))
                    .processor(processor)
                    .options(Fixtures.options(interval, batch))
                    .build();
            map.start();
            return map;
        }

        @TearDown(Level.Iteration)
        public void close() {
            map.close();
        }

        /** A no-op: the targets measure what the buffer costs its writers, not what processing costs. */
        void process(List<TidefallHashMap.Entry<Integer, Object>> batch) {
        }
    }

    /**
     * {@link Tidefall} with a processor that reads every entry: the drained list reads the sealed
     * table only when the processor does, so this shows what reading it costs the writers when the
     * processor shares their cores.
     */
    @State(Scope.Benchmark)
    public static class ReadingTidefall extends Tidefall {
        @Override
        void process(List<TidefallHashMap.Entry<Integer, Object>> batch) {
            Fixtures.readAll(batch);
        }
    }

    @State(Scope.Benchmark)
    public static class Ceiling {
        @Param({"1ms", "5s"})
        String interval;

        Holder<ConcurrentHashMap<Integer, Object>> holder;

        @Setup(Level.Iteration)
        public void start() {
            holder = new Holder<>(ConcurrentHashMap::new, interval);
        }

        @TearDown(Level.Iteration)
        public void close() throws InterruptedException {
            holder.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Peer {
        @Param({"1ms", "5s"})
        String interval;

        BufferTrigger<Integer> trigger;

        @Setup(Level.Iteration)
        public void start() {
            trigger = trigger(interval);
        }

        /** buffer-trigger with a {@code ConcurrentHashMap} container, swapped every {@code interval}. */
        static BufferTrigger<Integer> trigger(String interval) {
            return BufferTrigger.<Integer, ConcurrentHashMap<Integer, Object>>simple()
                    // Counts distinct pending keys: the pending counter moves only on a new key, the cheapest honest adder.
                    .setContainer(ConcurrentHashMap::new, (map, key) -> map.put(key, Fixtures.VALUE) == null)
                    .interval(Fixtures.parse(interval).toMillis(), TimeUnit.MILLISECONDS)
                    .consumer(batch -> { })
                    .build();
        }

        @TearDown(Level.Iteration)
        public void close() {
            trigger.close();
        }
    }

    /** What the compute ceiling stores: the same fields as the engine's versioned value. */
    static final class Versioned {
        final Object value;
        final long version;
        final int updates;

        Versioned(Object value, long version, int updates) {
            this.value = value;
            this.version = version;
            this.updates = updates;
        }
    }

    @Benchmark
    public void tidefallPut(Tidefall s, Keys k) {
        s.map.put(k.next(), Fixtures.VALUE);
    }

    @Benchmark
    public void tidefallPutReadingProcessor(ReadingTidefall s, Keys k) {
        s.map.put(k.next(), Fixtures.VALUE);
    }

    @Benchmark
    public boolean tidefallPutNewer(Tidefall s, Keys k) {
        return s.map.putNewer(k.next(), Fixtures.VALUE, ++k.version);
    }

    @Benchmark
    public Object ceilingChmPut(Ceiling s, Keys k) {
        return s.holder.table.put(k.next(), Fixtures.VALUE);
    }

    /** Newer version wins, in one {@code compute}: the bare-map way to do what {@code putNewer} does. */
    @Benchmark
    public Object ceilingChmComputeNewer(Ceiling s, Keys k) {
        long version = ++k.version;
        return s.holder.table.compute(k.next(), (key, old) -> newer(old, version));
    }

    /** Newer version wins: what the compute ceiling stores for a write of {@code version}. */
    static Object newer(Object old, long version) {
        if (old == null) {
            return new Versioned(Fixtures.VALUE, version, 0);
        }
        Versioned stored = (Versioned) old;
        return version > stored.version ? new Versioned(Fixtures.VALUE, version, stored.updates + 1) : stored;
    }

    @Benchmark
    public void peerEnqueue(Peer s, Keys k) {
        s.trigger.enqueue(k.next());
    }
}

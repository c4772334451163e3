package io.tidefall.bench;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a writer guard costs a {@code ConcurrentHashMap.put} into a table that already holds every
 * key (a map buffer between ticks at a long interval), in turns within one fork as in
 * {@link Paired}: iteration {@code i} runs variant {@code i % 3}.
 * <ul>
 *   <li>{@code bare}: the put alone;
 *   <li>{@code twoAtomics}: the engine's guard shape, an atomic increment of a padded stripe, a
 *       volatile read of the sealed flag, the put, an atomic decrement of the stripe;
 *   <li>{@code oneFence}: the same handshake with a cell only the writing thread writes: a volatile
 *       store (one fenced instruction) to enter, a release store (a plain store on x86) to leave.
 * </ul>
 * Not a model of the engine's classes: a measurement of how much of the put each guard shape is.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class GuardCost {

    private static final int PADDING = 16;

    @State(Scope.Benchmark)
    public static class Table {
        final ConcurrentHashMap<Integer, Object> map = new ConcurrentHashMap<>();
        /** Stripes for twoAtomics, and one cell per thread for oneFence, each on its own cache lines. */
        final AtomicLongArray stripes = new AtomicLongArray(64 * PADDING);
        volatile boolean sealed;
        int variant;
        private int iterations;

        @Setup(Level.Trial)
        public void fill() {
            for (Integer key : Fixtures.BOXED) {
                map.put(key, Fixtures.VALUE);
            }
        }

        @Setup(Level.Iteration)
        public void next() {
            variant = iterations++ % 3;
        }
    }

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counts {
        public long bare;
        public long twoAtomics;
        public long oneFence;

        @Setup(Level.Iteration)
        public void reset() {
            bare = 0;
            twoAtomics = 0;
            oneFence = 0;
        }
    }

    @Benchmark
    public void put(Table table, MapWrite.Keys keys, Counts counts) {
        Integer key = keys.next();
        switch (table.variant) {
            case 0 -> {
                table.map.put(key, Fixtures.VALUE);
                counts.bare++;
            }
            case 1 -> {
                int slot = slot();
                table.stripes.getAndIncrement(slot);
                if (!table.sealed) {
                    table.map.put(key, Fixtures.VALUE);
                }
                table.stripes.getAndDecrement(slot);
                counts.twoAtomics++;
            }
            default -> {
                int slot = slot();
                table.stripes.set(slot, 1); // volatile store: the fence the handshake needs
                if (!table.sealed) {
                    table.map.put(key, Fixtures.VALUE);
                }
                table.stripes.lazySet(slot, 0); // release store
                counts.oneFence++;
            }
        }
    }

    private static int slot() {
        @SuppressWarnings("deprecation") // Thread.threadId() arrives in Java 19; this is Java 17
        long id = Thread.currentThread().getId();
        return (int) ((id & 63) * PADDING);
    }
}

package io.tidefall.bench;

import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;
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
 * What routing alone costs the bare structures, with no buffer at all: each structure written
 * whole, and one per partition of a default buffer with every write routed by its element's (or
 * key's) hash, as the specification routes a buffer's writes. Both shapes swap every
 * {@code interval} in a {@link Holder}, as the ceilings of {@link Paired} do.
 *
 * <p>Why it exists: the write-path targets compare a routed buffer with one unrouted structure.
 * This shows how much of the gap is the routing itself, which any buffer that honours the
 * specification pays, whatever its tables: see "What bounds push and put" in docs/PERFORMANCE.md.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RoutingCost {

    /** One structure, or one per partition; swapped every {@code interval}. */
    @State(Scope.Benchmark)
    public abstract static class Tables<T> {
        @Param({"1ms", "5s"})
        String interval;

        /** {@code one}: a single structure, nothing routed; {@code routed}: one per partition of a default buffer. */
        @Param({"one", "routed"})
        String shape;

        Holder<T>[] holders;

        abstract Supplier<T> tables();

        @Setup(Level.Iteration)
        @SuppressWarnings("unchecked")
        public void start() {
            holders = new Holder[shape.equals("one") ? 1 : Routing.partitions()];
            for (int i = 0; i < holders.length; i++) {
                holders[i] = new Holder<>(tables(), interval);
            }
        }

        @TearDown(Level.Iteration)
        public void close() throws InterruptedException {
            for (Holder<T> holder : holders) {
                holder.close();
            }
        }

        /** The table {@code element} is routed to (the only one when there is one). */
        T tableOf(Object element) {
            return holders.length == 1 ? holders[0].table : holders[Routing.partitionOf(element, holders.length)].table;
        }
    }

    @State(Scope.Benchmark)
    public static class Clq extends Tables<ConcurrentLinkedQueue<Object>> {
        @Override
        Supplier<ConcurrentLinkedQueue<Object>> tables() {
            return ConcurrentLinkedQueue::new;
        }
    }

    @State(Scope.Benchmark)
    public static class Mpsc extends Tables<Queue<Object>> {
        @Override
        Supplier<Queue<Object>> tables() {
            return () -> new MpscUnboundedXaddArrayQueue<>(1024);
        }
    }

    @State(Scope.Benchmark)
    public static class Chm extends Tables<ConcurrentHashMap<Integer, Object>> {
        @Override
        Supplier<ConcurrentHashMap<Integer, Object>> tables() {
            return ConcurrentHashMap::new;
        }
    }

    @Benchmark
    public boolean clqOffer(Clq s, MapWrite.Keys items) {
        Object item = items.next();
        return s.tableOf(item).offer(item);
    }

    @Benchmark
    public boolean mpscOffer(Mpsc s, MapWrite.Keys items) {
        Object item = items.next();
        return s.tableOf(item).offer(item);
    }

    @Benchmark
    public Object chmPut(Chm s, MapWrite.Keys keys) {
        Integer key = keys.next();
        return s.tableOf(key).put(key, Fixtures.VALUE);
    }
}

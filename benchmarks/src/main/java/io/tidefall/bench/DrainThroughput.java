package io.tidefall.bench;

import io.tidefall.BatchSize;
import io.tidefall.Buffer;
import io.tidefall.BufferOptions;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Elements per second that one partition hands to a processor: each invocation fills the write
 * table with {@value #ELEMENTS} elements (not timed), then times {@code flush()}, which swaps,
 * submits the retired table to the drain executor, and waits until the drain finished. The
 * processor is a no-op ({@code noop}, what the 10 M/s target is about) or reads every element
 * ({@code reads}: a map's drained list reads the table only when the processor does, so only this
 * one shows what walking a drained map costs).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class DrainThroughput {

    static final int ELEMENTS = 1_000_000;

    @State(Scope.Thread)
    public static class Filled {
        /** {@code queue} or {@code map}. */
        @Param({"queue", "map"})
        String type;

        /** {@code noop}, or {@code reads}: the processor reads every element. */
        @Param({"noop", "reads"})
        String processor;

        /** A chunk size, or {@code table}. */
        @Param({"1000", "table"})
        String batch;

        Buffer buffer;
        TidefallQueue<Object> queue;
        TidefallHashMap<Integer, Object> map;
        Integer[] keys;

        @Setup(Level.Trial)
        public void build() {
            // A long interval: the only drains are the ones flush() starts.
            boolean reads = processor.equals("reads");
            BufferOptions options = BufferOptions.defaults()
                    .withProcessingInterval(Duration.ofHours(1))
                    .withProcessingBatchSize(BatchSize.parse(batch));
            if (type.equals("queue")) {
                queue = TidefallQueue.builder("bench-drain").processor(reads ? Fixtures::readAll : batch -> { }).partitions(1).options(options).build();
                buffer = queue;
            } else {
                map = TidefallHashMap.<Integer, Object>builder("bench-drain").processor(reads ? Fixtures::readAll : batch -> { }).partitions(1).options(options).build();
                buffer = map;
                keys = new Integer[ELEMENTS];
                for (int i = 0; i < ELEMENTS; i++) {
                    keys[i] = i;
                }
            }
            buffer.start();
        }

        @Setup(Level.Invocation)
        public void fill() {
            if (queue != null) {
                for (int i = 0; i < ELEMENTS; i++) {
                    queue.push(Fixtures.ITEM);
                }
            } else {
                for (Integer key : keys) {
                    map.put(key, Fixtures.VALUE);
                }
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            buffer.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(ELEMENTS)
    public void flush(Filled s) {
        s.buffer.flush();
    }
}

package io.tidefall.bench;

import io.tidefall.BatchSize;
import io.tidefall.BufferOptions;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Tidefall and its ceiling in the same fork, taking turns: even iterations write into Tidefall,
 * odd ones into the ceiling, each subject built fresh for its iteration exactly as in
 * {@link MapWrite} and {@link QueueWrite}.
 *
 * <p>Why: on a shared two-core VM one fork can run the same code at a third or at three times the
 * speed of the next (JIT decisions, where the host puts the two vCPUs), so a ratio of two
 * benchmarks from two forks carries that luck. Here both subjects share the fork, its JIT state
 * and its vCPUs, and alternate every second, so slow drifts of the host hit both alike. The
 * counters {@code tidefall} and {@code ceiling} report each subject's operations per second; with
 * an even number of measurement iterations each gets half of them, so both are halved alike and
 * their ratio is the ratio of the subjects' throughputs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Paired {

    static final int PUT = 0;
    static final int PUT_NEWER = 1;
    static final int PUSH = 2;

    @State(Scope.Benchmark)
    public static class Turns {
        /** {@code put} (vs CHM.put), {@code putNewer} (vs CHM.compute newer) or {@code push} (vs CLQ.offer). */
        @Param({"put", "putNewer", "push"})
        String write;

        @Param({"1ms", "5s"})
        String interval;

        /** {@link #write} as a number, so the benchmark method compares ints, not strings. */
        int kind;
        private int iterations;
        /** Set before each iteration, read by its writers: JMH orders iteration setup before the iteration. */
        boolean tidefallTurn;

        TidefallHashMap<Integer, Object> map;
        TidefallQueue<Object> queue;
        Holder<ConcurrentHashMap<Integer, Object>> maps;
        Holder<ConcurrentLinkedQueue<Object>> queues;

        @Setup(Level.Iteration)
        public void start() {
            tidefallTurn = iterations++ % 2 == 0;
            kind = switch (write) {
                case "put" -> PUT;
                case "putNewer" -> PUT_NEWER;
                case "push" -> PUSH;
                default -> throw new IllegalArgumentException("write must be put, putNewer or push, but was " + write);
            };
            boolean queueWrite = kind == PUSH;
            BufferOptions options = BufferOptions.defaults()
                    .withProcessingInterval(Fixtures.parse(interval))
                    .withProcessingBatchSize(BatchSize.of(1000));
            if (tidefallTurn && queueWrite) {
                queue = TidefallQueue.builder("paired-queue").processor(batch -> { }).partitions(1).options(options).build();
                queue.start();
            } else if (tidefallTurn) {
                map = TidefallHashMap.<Integer, Object>builder("paired-map").processor(batch -> { }).partitions(1)
                        .options(options).build();
                map.start();
            } else if (queueWrite) {
                queues = new Holder<>(ConcurrentLinkedQueue::new, interval);
            } else {
                maps = new Holder<>(ConcurrentHashMap::new, interval);
            }
        }

        @TearDown(Level.Iteration)
        public void close() throws InterruptedException {
            for (AutoCloseable subject : new AutoCloseable[] {map, queue, maps, queues}) {
                if (subject != null) {
                    try {
                        subject.close();
                    } catch (InterruptedException | RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            map = null;
            queue = null;
            maps = null;
            queues = null;
        }
    }

    /** Each subject's writes in this iteration, per thread; JMH sums the threads and divides by time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counts {
        public long tidefall;
        public long ceiling;

        @Setup(Level.Iteration)
        public void reset() {
            tidefall = 0;
            ceiling = 0;
        }
    }

    @Benchmark
    public void write(Turns turns, MapWrite.Keys keys, Counts counts) {
        switch (turns.kind) {
            case PUT -> {
                if (turns.tidefallTurn) {
                    turns.map.put(keys.next(), Fixtures.VALUE);
                    counts.tidefall++;
                } else {
                    turns.maps.table.put(keys.next(), Fixtures.VALUE);
                    counts.ceiling++;
                }
            }
            case PUT_NEWER -> {
                if (turns.tidefallTurn) {
                    turns.map.putNewer(keys.next(), Fixtures.VALUE, ++keys.version);
                    counts.tidefall++;
                } else {
                    long version = ++keys.version;
                    turns.maps.table.compute(keys.next(), (key, old) -> MapWrite.newer(old, version));
                    counts.ceiling++;
                }
            }
            default -> {
                if (turns.tidefallTurn) {
                    turns.queue.push(Fixtures.ITEM);
                    counts.tidefall++;
                } else {
                    turns.queues.table.offer(Fixtures.ITEM);
                    counts.ceiling++;
                }
            }
        }
    }
}

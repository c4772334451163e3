package io.tidefall.bench;

import com.github.phantomthief.collection.BufferTrigger;
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
 * Tidefall and another subject (its ceiling, or the peer buffer-trigger) in the same fork, taking
 * turns: even iterations write into Tidefall, odd ones into the other, each subject built fresh
 * for its iteration exactly as in {@link MapWrite} and {@link QueueWrite}.
 *
 * <p>Why: on a shared two-core VM one fork can run the same code at a third or at three times the
 * speed of the next (JIT decisions, where the host puts the two vCPUs), so a ratio of two
 * benchmarks from two forks carries that luck. Here both subjects share the fork, its JIT state
 * and its vCPUs, and alternate every second, so slow drifts of the host hit both alike. The
 * counters {@code tidefall} and {@code other} report each subject's operations per second; with
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
        /**
         * {@code put} (vs CHM.put), {@code putNewer} (vs CHM.compute newer), {@code push} (vs CLQ.offer),
         * {@code put-peer} and {@code push-peer} (vs buffer-trigger's enqueue, as in {@link MapWrite} and {@link QueueWrite}).
         */
        @Param({"put", "putNewer", "push", "put-peer", "push-peer"})
        String write;

        @Param({"1ms", "5s"})
        String interval;

        /** {@link #write} as a number, so the benchmark method compares ints, not strings. */
        int kind;
        private int iterations;
        /** Set before each iteration, read by its writers: JMH orders iteration setup before the iteration. */
        boolean tidefallTurn;
        boolean peer;

        TidefallHashMap<Integer, Object> map;
        TidefallQueue<Object> queue;
        Holder<ConcurrentHashMap<Integer, Object>> maps;
        Holder<ConcurrentLinkedQueue<Object>> queues;
        BufferTrigger<Object> queuePeer;
        BufferTrigger<Integer> mapPeer;

        @Setup(Level.Iteration)
        public void start() {
            tidefallTurn = iterations++ % 2 == 0;
            kind = switch (write) {
                case "put", "put-peer" -> PUT;
                case "putNewer" -> PUT_NEWER;
                case "push", "push-peer" -> PUSH;
                default -> throw new IllegalArgumentException(
                        "write must be put, putNewer, push, put-peer or push-peer, but was " + write);
            };
            peer = write.endsWith("-peer");
            boolean queueWrite = kind == PUSH;
            if (tidefallTurn && queueWrite) {
                queue = QueueWrite.Tidefall.queue(interval, "1000");
            } else if (tidefallTurn) {
                map = MapWrite.Tidefall.map(interval, "1000", batch -> { });
            } else if (peer && queueWrite) {
                queuePeer = QueueWrite.Peer.trigger(interval);
            } else if (peer) {
                mapPeer = MapWrite.Peer.trigger(interval);
            } else if (queueWrite) {
                queues = new Holder<>(ConcurrentLinkedQueue::new, interval);
            } else {
                maps = new Holder<>(ConcurrentHashMap::new, interval);
            }
        }

        @TearDown(Level.Iteration)
        public void close() throws InterruptedException {
            if (map != null) {
                map.close();
            }
            if (queue != null) {
                queue.close();
            }
            if (maps != null) {
                maps.close();
            }
            if (queues != null) {
                queues.close();
            }
            if (queuePeer != null) {
                queuePeer.close();
            }
            if (mapPeer != null) {
                mapPeer.close();
            }
            map = null;
            queue = null;
            maps = null;
            queues = null;
            queuePeer = null;
            mapPeer = null;
        }
    }

    /** Each subject's writes in this iteration, per thread; JMH sums the threads and divides by time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counts {
        public long tidefall;
        public long other;

        @Setup(Level.Iteration)
        public void reset() {
            tidefall = 0;
            other = 0;
        }
    }

    @Benchmark
    public void write(Turns turns, MapWrite.Keys keys, Counts counts) {
        switch (turns.kind) {
            case PUT -> {
                if (turns.tidefallTurn) {
                    turns.map.put(keys.next(), Fixtures.VALUE);
                    counts.tidefall++;
                } else if (turns.peer) {
                    turns.mapPeer.enqueue(keys.next());
                    counts.other++;
                } else {
                    turns.maps.table.put(keys.next(), Fixtures.VALUE);
                    counts.other++;
                }
            }
            case PUT_NEWER -> {
                if (turns.tidefallTurn) {
                    turns.map.putNewer(keys.next(), Fixtures.VALUE, ++keys.version);
                    counts.tidefall++;
                } else {
                    long version = ++keys.version;
                    turns.maps.table.compute(keys.next(), (key, old) -> MapWrite.newer(old, version));
                    counts.other++;
                }
            }
            default -> {
                if (turns.tidefallTurn) {
                    turns.queue.push(Fixtures.ITEM);
                    counts.tidefall++;
                } else if (turns.peer) {
                    turns.queuePeer.enqueue(Fixtures.ITEM);
                    counts.other++;
                } else {
                    turns.queues.table.offer(Fixtures.ITEM);
                    counts.other++;
                }
            }
        }
    }
}

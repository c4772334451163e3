package io.tidefall.bench;

import com.github.phantomthief.collection.BufferTrigger;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;
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
    static final int PUSH_OWN_PARTITION = 3;
    static final int PUSH_SHARED = 4;
    static final int PUSH_ROUTED = 5;
    static final int PUT_ROUTED = 6;

    /**
     * Routing keys of the two partitions of {@link Turns#lanes}: the engine routes a key by its
     * hash ({@link Routing#partitionOf}, the engine's own routing), so that each writer thread gets a
     * partition of its own.
     */
    static final Object[] LANE_KEYS = laneKeys();

    @State(Scope.Benchmark)
    public static class Turns {
        /**
         * {@code put} (vs CHM.put), {@code putNewer} (vs CHM.compute newer), {@code push} (vs CLQ.offer),
         * {@code put-peer} and {@code push-peer} (vs buffer-trigger's enqueue, as in {@link MapWrite} and {@link QueueWrite}),
         * {@code push-limit} (vs JCTools' {@code MpscUnboundedXaddArrayQueue.offer} in a {@link Holder}: the fastest
         * multi-producer queue on the JVM, a limit rather than a ceiling, as it has no swap protocol a buffer needs),
         * {@code push-own-partition} (a queue of two partitions, each writer thread routing to its own, vs one
         * {@code ConcurrentLinkedQueue} per thread: writers of different partitions must not slow each other),
         * {@code push-shared} (the shape of earlier runs, shown beside {@code push}: one partition, one shared item),
         * {@code push-routed} and {@code put-routed} (the bare structure routed as the engine routes: one
         * {@code ConcurrentLinkedQueue} or {@code ConcurrentHashMap} per partition of a default buffer, each write
         * sent to the one its element's or key's hash picks; what the routing the specification asks for costs
         * a bare structure, shown beside {@code push} and {@code put}).
         *
         * <p>Every buffer has the builder's default partition count (one per processor), and every write
         * a distinct element (a key of {@link MapWrite.Keys}, which the queues push as items), routed by its
         * own hash, as users write; only {@code push-shared} and {@code push-own-partition} differ, as said.
         */
        @Param({"put", "putNewer", "push", "put-peer", "push-peer", "push-limit", "push-own-partition", "push-shared",
                "push-routed", "put-routed"})
        String write;

        @Param({"1ms", "5s"})
        String interval;

        /** {@link #write} as a number, so the benchmark method compares ints, not strings. */
        int kind;
        private int iterations;
        /** Set before each iteration, read by its writers: JMH orders iteration setup before the iteration. */
        boolean tidefallTurn;
        boolean peer;
        boolean limit;

        TidefallHashMap<Integer, Object> map;
        TidefallQueue<Object> queue;
        Holder<ConcurrentHashMap<Integer, Object>> maps;
        Holder<ConcurrentLinkedQueue<Object>> queues;
        Holder<Queue<Object>> limitQueues;
        /** push-own-partition: one queue of two partitions; the other turn, one bare queue per lane. */
        TidefallQueue<Object> lanes;
        Holder<ConcurrentLinkedQueue<Object>>[] laneQueues;
        /** push-routed and put-routed, the other turn: one bare structure per partition of a default buffer. */
        Holder<ConcurrentLinkedQueue<Object>>[] routedQueues;
        Holder<ConcurrentHashMap<Integer, Object>>[] routedMaps;
        BufferTrigger<Object> queuePeer;
        BufferTrigger<Integer> mapPeer;

        @Setup(Level.Iteration)
        public void start() {
            tidefallTurn = iterations++ % 2 == 0;
            kind = switch (write) {
                case "put", "put-peer" -> PUT;
                case "putNewer" -> PUT_NEWER;
                case "push", "push-peer", "push-limit" -> PUSH;
                case "push-own-partition" -> PUSH_OWN_PARTITION;
                case "push-shared" -> PUSH_SHARED;
                case "push-routed" -> PUSH_ROUTED;
                case "put-routed" -> PUT_ROUTED;
                default -> throw new IllegalArgumentException("write must be put, putNewer, push, put-peer, push-peer,"
                        + " push-limit, push-own-partition, push-shared, push-routed or put-routed, but was " + write);
            };
            peer = write.endsWith("-peer");
            limit = write.equals("push-limit");
            boolean queueWrite = kind == PUSH || kind == PUSH_SHARED || kind == PUSH_ROUTED;
            if (kind == PUSH_OWN_PARTITION) {
                startLanes();
            } else if (!tidefallTurn && kind == PUSH_ROUTED) {
                routedQueues = perPartition(() -> new Holder<>(ConcurrentLinkedQueue::new, interval));
            } else if (!tidefallTurn && kind == PUT_ROUTED) {
                routedMaps = perPartition(() -> new Holder<>(ConcurrentHashMap::new, interval));
            } else if (tidefallTurn && kind == PUSH_SHARED) {
                queue = QueueWrite.Tidefall.queueOfOnePartition(interval, "1000");
            } else if (tidefallTurn && queueWrite) {
                queue = QueueWrite.Tidefall.queue(interval, "1000");
            } else if (tidefallTurn) {
                map = MapWrite.Tidefall.map(interval, "1000", batch -> { });
            } else if (peer && queueWrite) {
                queuePeer = QueueWrite.Peer.trigger(interval);
            } else if (peer) {
                mapPeer = MapWrite.Peer.trigger(interval);
            } else if (limit) {
                limitQueues = new Holder<>(() -> new MpscUnboundedXaddArrayQueue<>(1024), interval);
            } else if (queueWrite) {
                queues = new Holder<>(ConcurrentLinkedQueue::new, interval);
            } else {
                maps = new Holder<>(ConcurrentHashMap::new, interval);
            }
        }

        @SuppressWarnings("unchecked")
        private static <T> Holder<T>[] perPartition(Supplier<Holder<T>> holders) {
            Holder<T>[] all = new Holder[Routing.partitions()];
            for (int i = 0; i < all.length; i++) {
                all[i] = holders.get();
            }
            return all;
        }

        @SuppressWarnings("unchecked")
        private void startLanes() {
            if (tidefallTurn) {
                lanes = TidefallQueue.builder("bench-lanes")
                        .processor(elements -> { })
                        .partitions(2)
                        .options(Fixtures.options(interval, "1000"))
                        .build();
                lanes.start();
            } else {
                laneQueues = new Holder[] {
                        new Holder<>(ConcurrentLinkedQueue::new, interval), new Holder<>(ConcurrentLinkedQueue::new, interval)};
            }
        }

        @TearDown(Level.Iteration)
        public void close() throws InterruptedException {
            if (lanes != null) {
                lanes.close();
            }
            if (laneQueues != null) {
                for (Holder<ConcurrentLinkedQueue<Object>> holder : laneQueues) {
                    holder.close();
                }
            }
            if (limitQueues != null) {
                limitQueues.close();
            }
            for (Holder<?>[] routed : new Holder<?>[][] {routedQueues, routedMaps}) {
                if (routed != null) {
                    for (Holder<?> holder : routed) {
                        holder.close();
                    }
                }
            }
            routedQueues = null;
            routedMaps = null;
            lanes = null;
            laneQueues = null;
            limitQueues = null;
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

    /** Which of the two partitions of push-own-partition a writer thread uses: threads take turns. */
    @State(Scope.Thread)
    public static class Lane {
        private static final AtomicInteger THREADS = new AtomicInteger();
        int index;

        @Setup(Level.Trial)
        public void pick() {
            index = THREADS.getAndIncrement() % 2;
        }
    }

    private static Object[] laneKeys() {
        Object[] keys = new Object[2];
        for (int k = 0; keys[0] == null || keys[1] == null; k++) {
            int partition = Routing.partitionOf(k, 2);
            if (keys[partition] == null) {
                keys[partition] = k;
            }
        }
        return keys;
    }

    @Benchmark
    public void write(Turns turns, MapWrite.Keys keys, Counts counts, Lane lane) {
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
            case PUSH_OWN_PARTITION -> {
                if (turns.tidefallTurn) {
                    turns.lanes.push(Fixtures.ITEM, LANE_KEYS[lane.index]);
                    counts.tidefall++;
                } else {
                    turns.laneQueues[lane.index].table.offer(Fixtures.ITEM);
                    counts.other++;
                }
            }
            case PUSH_ROUTED -> {
                Object item = keys.next();
                if (turns.tidefallTurn) {
                    turns.queue.push(item);
                    counts.tidefall++;
                } else {
                    Holder<ConcurrentLinkedQueue<Object>>[] queues = turns.routedQueues;
                    queues[Routing.partitionOf(item, queues.length)].table.offer(item);
                    counts.other++;
                }
            }
            case PUT_ROUTED -> {
                Integer key = keys.next();
                if (turns.tidefallTurn) {
                    turns.map.put(key, Fixtures.VALUE);
                    counts.tidefall++;
                } else {
                    Holder<ConcurrentHashMap<Integer, Object>>[] maps = turns.routedMaps;
                    maps[Routing.partitionOf(key, maps.length)].table.put(key, Fixtures.VALUE);
                    counts.other++;
                }
            }
            case PUSH_SHARED -> {
                if (turns.tidefallTurn) {
                    turns.queue.push(Fixtures.ITEM);
                    counts.tidefall++;
                } else {
                    turns.queues.table.offer(Fixtures.ITEM);
                    counts.other++;
                }
            }
            default -> {
                if (turns.tidefallTurn) {
                    turns.queue.push(keys.next());
                    counts.tidefall++;
                } else if (turns.limit) {
                    turns.limitQueues.table.offer(keys.next());
                    counts.other++;
                } else if (turns.peer) {
                    turns.queuePeer.enqueue(keys.next());
                    counts.other++;
                } else {
                    turns.queues.table.offer(keys.next());
                    counts.other++;
                }
            }
        }
    }
}

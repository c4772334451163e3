package io.tidefall.bench;

import com.github.phantomthief.collection.BufferTrigger;
import io.tidefall.TidefallQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
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

/**
 * Writes into a queue-shaped buffer while its table is swapped every {@code interval}: Tidefall,
 * the {@code ConcurrentLinkedQueue} ceiling, and buffer-trigger. Each subject is a state of its
 * own, so a benchmark's fork runs only its own background threads. Subjects are built fresh for
 * every iteration, which bounds what a 5 s interval lets pile up to one iteration's writes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class QueueWrite {

    @State(Scope.Benchmark)
    public static class Tidefall {
        @Param({"1ms", "5s"})
        String interval;

        /** The processor's chunk size: 1,000 as in the drain benchmark; {@code -p batch=10} for the engine default. */
        @Param({"1000"})
        String batch;

        TidefallQueue<Object> queue;

        @Setup(Level.Iteration)
        public void start() {
            queue = queue(interval, batch);
        }

        /**
         * A started queue as users build it (the default partition count, one per processor) with a
         * no-op processor that swaps every {@code interval}, in chunks of {@code batch}.
         */
        static TidefallQueue<Object> queue(String interval, String batch) {
            return started(Fixtures.partitioned(TidefallQueue.builder("bench-queue")), interval, batch);
        }

        /** {@link #queue} with one partition: what the shared-item rows write into. */
        static TidefallQueue<Object> queueOfOnePartition(String interval, String batch) {
            return started(TidefallQueue.builder("bench-queue").partitions(1), interval, batch);
        }

        private static TidefallQueue<Object> started(TidefallQueue.Builder<Object> builder, String interval, String batch) {
            TidefallQueue<Object> queue = builder.processor(elements -> { })
                    .options(Fixtures.options(interval, batch))
                    .build();
            queue.start();
            return queue;
        }

        @TearDown(Level.Iteration)
        public void close() {
            queue.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Ceiling {
        @Param({"1ms", "5s"})
        String interval;

        Holder<ConcurrentLinkedQueue<Object>> holder;

        @Setup(Level.Iteration)
        public void start() {
            holder = new Holder<>(ConcurrentLinkedQueue::new, interval);
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

        BufferTrigger<Object> trigger;

        @Setup(Level.Iteration)
        public void start() {
            trigger = trigger(interval);
        }

        /** buffer-trigger with a {@code ConcurrentLinkedQueue} container, swapped every {@code interval}. */
        static BufferTrigger<Object> trigger(String interval) {
            return BufferTrigger.<Object, Queue<Object>>simple()
                    .setContainer(ConcurrentLinkedQueue::new, Queue::add)
                    .interval(Fixtures.parse(interval).toMillis(), TimeUnit.MILLISECONDS)
                    .consumer(batch -> { })
                    .build();
        }

        @TearDown(Level.Iteration)
        public void close() {
            trigger.close();
        }
    }

    /** Distinct items, each routed to a partition by its own hash, as users push. */
    @Benchmark
    public void tidefallPush(Tidefall s, MapWrite.Keys items) {
        s.queue.push(items.next());
    }

    /** Reported per element, so it compares with {@code push} and {@code offer}. */
    @Benchmark
    @OperationsPerInvocation(10)
    public void tidefallPushAll10(Tidefall s) {
        s.queue.pushAll(Fixtures.TEN);
    }

    @Benchmark
    public boolean ceilingClqOffer(Ceiling s, MapWrite.Keys items) {
        return s.holder.table.offer(items.next());
    }

    @Benchmark
    public void peerEnqueue(Peer s, MapWrite.Keys items) {
        s.trigger.enqueue(items.next());
    }
}

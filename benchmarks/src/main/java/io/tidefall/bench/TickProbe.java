package io.tidefall.bench;

import io.tidefall.BufferOptions;
import io.tidefall.PartitionStats;
import io.tidefall.TidefallHashMap;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a JMH benchmark: shows how many 1 ms ticks of a one-partition map actually drain while N
 * threads put, and how big the drained tables are. A tick that finds the previous drain still
 * running is skipped, so fewer drains per second mean the drain thread did not get a core in time.
 *
 * <pre>
 * java -Xms2g -Xmx2g -cp benchmarks/target/benchmarks.jar io.tidefall.bench.TickProbe 2
 * </pre>
 */
public final class TickProbe {

    private TickProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        TidefallHashMap<Integer, Object> map = TidefallHashMap.<Integer, Object>builder("probe")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingInterval(Duration.ofMillis(1)).withProcessingBatchSize(1000))
                .processor(batch -> { })
                .build();
        map.start();
        Integer[] keys = Fixtures.randomKeys(42);
        AtomicLong operations = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
        Thread[] writers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int offset = t * 7919;
            writers[t] = new Thread(() -> {
                long count = 0;
                for (int i = offset; System.nanoTime() < end; i++, count++) {
                    map.put(keys[i & (keys.length - 1)], Fixtures.VALUE);
                }
                operations.addAndGet(count);
            });
            writers[t].start();
        }
        TimeUnit.SECONDS.sleep(1); // measure the last 5 seconds, after warm-up
        PartitionStats before = map.stats(0);
        for (Thread writer : writers) {
            writer.join();
        }
        PartitionStats after = map.stats(0);
        long drains = after.drains() - before.drains();
        System.out.printf("threads=%d  puts/s=%.2f M  drains/s=%.0f (of 1000 ticks)  keys per drained table=%.0f%n",
                threads, operations.get() / 6e6, drains / 5.0,
                (after.drained() - before.drained()) / (double) Math.max(1, drains));
        map.close();
    }
}

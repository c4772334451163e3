package io.tidefall.bench;

import io.tidefall.BufferOptions;
import io.tidefall.PartitionStats;
import io.tidefall.TidefallHashMap;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a JMH benchmark: shows how many 1 ms ticks of a one-partition map actually drain while N
 * threads put, how big the drained tables are, and how much CPU the writers, the buffer's timer
 * thread and its drain threads each used. A tick that finds the previous drain still running is
 * skipped, so fewer drains per second mean the drain thread did not get a core in time; on a
 * machine with as many cores as writers, every CPU second a drain thread uses is taken from them.
 *
 * <pre>
 * java -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp benchmarks/target/benchmarks.jar io.tidefall.bench.TickProbe 2 [reads]
 * </pre>
 *
 * <p>{@code reads} gives the buffer a processor that reads every entry instead of a no-op.
 */
public final class TickProbe {

    private TickProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        boolean reads = args.length > 1 && args[1].equals("reads");
        TidefallHashMap<Integer, Object> map = TidefallHashMap.<Integer, Object>builder("probe")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingInterval(Duration.ofMillis(1)).withProcessingBatchSize(1000))
                .processor(reads ? Fixtures::readAll : batch -> { })
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
        // Half a second early: a main thread starved of a core must still find the writers running.
        TimeUnit.NANOSECONDS.sleep(end - System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(500));
        String cpu = cpuByRole(writers); // while the writers still run: a finished thread has no CPU time
        for (Thread writer : writers) {
            writer.join();
        }
        PartitionStats after = map.stats(0);
        long drains = after.drains() - before.drains();
        System.out.printf("threads=%d%s  puts/s=%.2f M  drains/s=%.0f (of 1000 ticks)  keys per drained table=%.0f%n",
                threads, reads ? " (processor reads every entry)" : "", operations.get() / 6e6, drains / 5.0,
                (after.drained() - before.drained()) / (double) Math.max(1, drains));
        System.out.println("  CPU in the first 5.5 s: " + cpu);
        map.close();
    }

    /** CPU time per thread role, read before the writers' threads end. */
    private static String cpuByRole(Thread[] writers) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> millis = new TreeMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            String role = name.startsWith("tidefall-") ? name.replaceAll("^tidefall-probe-|-\\d+$", "") + " threads"
                    : Arrays.asList(writers).contains(thread) ? "writers" : null;
            long nanos = threads.getThreadCpuTime(thread.getId());
            if (role != null && nanos > 0) {
                millis.merge(role, nanos / 1_000_000, Long::sum);
            }
        }
        return millis.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " ms").collect(Collectors.joining(", "));
    }
}

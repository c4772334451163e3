package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A processor that never returns (and ignores interrupts), writers that never stop: with a
 * capacity, the buffer holds at most one write table and one stuck table per partition, so the
 * heap stays flat. {@code mvn verify} runs each policy for {@value #DEFAULT_SECONDS} seconds; for
 * the one-minute measurement in docs/GUARANTEES.md:
 * {@code ./mvnw -pl tidefall-core test -Dtest=BoundedMemoryTest -Dtidefall.memory.seconds=60}.
 */
class BoundedMemoryTest {

    private static final int DEFAULT_SECONDS = 3;
    private static final int PARTITIONS = 2;
    private static final long CAPACITY = 100_000;

    @ParameterizedTest
    @EnumSource(value = OverflowPolicy.class, names = {"BLOCK", "DROP"})
    void heapStaysFlatWhileWritersOutrunAProcessorThatNeverReturns(OverflowPolicy policy) throws Exception {
        long seconds = Long.getLong("tidefall.memory.seconds", DEFAULT_SECONDS);
        CountDownLatch never = new CountDownLatch(1);
        TidefallQueue<byte[]> queue = TidefallQueue.<byte[]>builder("bounded")
                .partitions(PARTITIONS)
                .options(BufferOptions.defaults()
                        .withProcessingInterval(Duration.ofMillis(10))
                        .withProcessingTimeout(Duration.ofMillis(100))
                        .withCapacity(CAPACITY)
                        .withOverflow(policy)
                        .withMaxBlock(Duration.ofMillis(5)))
                .processor(batch -> Deaf.await(never)) // returns only when the test is over, whatever else happens
                .build();
        queue.start();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            running.add(writers.submit(() -> {
                while (System.nanoTime() < deadline) {
                    try {
                        queue.push(new byte[64]);
                        accepted.incrementAndGet();
                    } catch (BufferFullException full) {
                        refused.incrementAndGet();
                    }
                }
                return null;
            }));
        }

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        List<Long> heapSamplesMb = new ArrayList<>();
        long maxBuffered = 0;
        while (System.nanoTime() < deadline) {
            for (int p = 0; p < PARTITIONS; p++) {
                maxBuffered = Math.max(maxBuffered, queue.bufferSize(p));
            }
            if (heapSamplesMb.size() < (seconds * 1_000 - (deadline - System.nanoTime()) / 1_000_000) / 1_000) {
                System.gc();
                heapSamplesMb.add(memory.getHeapMemoryUsage().getUsed() >> 20);
            }
            Thread.onSpinWait();
        }
        for (Future<?> writer : running) {
            writer.get(30, TimeUnit.SECONDS);
        }
        writers.shutdownNow();
        System.out.printf("bounded memory, %s, %ds: %d writes accepted, %d refused, %d dropped;"
                        + " largest write table %d; heap used after GC each second (MB): %s%n",
                policy, seconds, accepted.get(), refused.get(), queue.stats(0).dropped() + queue.stats(1).dropped(),
                maxBuffered, heapSamplesMb);

        assertThat(maxBuffered).as("a write table never exceeds the capacity").isLessThanOrEqualTo(CAPACITY);
        assertThat(accepted.get()).as("writers kept writing").isPositive();
        queue.updateOptions(o -> o.withProcessingTimeout(Duration.ofMillis(50))); // close() waits at most this long per stuck drain
        queue.close();
        never.countDown(); // let the stuck threads go, for the tests that share this JVM
    }
}

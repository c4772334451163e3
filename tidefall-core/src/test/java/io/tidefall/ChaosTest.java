package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Everything at once: writers on a bounded buffer, a processor that randomly throws, stalls past
 * its timeout or is slow, retries, a failure handler, option updates and flushes racing, then
 * close. Checked per element: each is delivered exactly once, or handed to the failure handler
 * exactly once, or dropped by overflow (counted), or refused to its writer with an exception; and
 * nothing else.
 *
 * <p>{@code mvn verify} runs each case for {@value #DEFAULT_SECONDS} seconds; set the system
 * property {@code tidefall.chaos.seconds} for long runs, e.g.
 * {@code ./mvnw -pl tidefall-core test -Dtest=ChaosTest -Dtidefall.chaos.seconds=60}.
 */
class ChaosTest {

    private static final int DEFAULT_SECONDS = 2;
    private static final int WRITERS = 4;
    private static final int MAX_PER_WRITER = 1 << 20;
    private static final int ELEMENTS = WRITERS * MAX_PER_WRITER;

    private final AtomicIntegerArray delivered = new AtomicIntegerArray(ELEMENTS);
    private final AtomicIntegerArray handled = new AtomicIntegerArray(ELEMENTS);
    private final AtomicIntegerArray refused = new AtomicIntegerArray(ELEMENTS);
    private final AtomicIntegerArray returned = new AtomicIntegerArray(ELEMENTS);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong exceptions = new AtomicLong();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    private final BufferListener counting = new BufferListener() {
        @Override
        public void elementsDropped(String buffer, int partition, long count, String reason) {
            assertThat(reason).isEqualTo("overflow");
            dropped.addAndGet(count);
        }

        @Override
        public void drainFailed(String buffer, int partition, int size, Throwable cause, FailureReason reason) {
            (reason == FailureReason.TIMEOUT ? timeouts : exceptions).incrementAndGet();
        }
    };

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** A processor that misbehaves at random: throws, stalls until interrupted, or is slow. */
    private void misbehave() throws Exception {
        int dice = ThreadLocalRandom.current().nextInt(1000);
        if (dice < 100) {
            throw new IllegalStateException("random failure");
        }
        if (dice < 105) {
            new CountDownLatch(1).await(); // stalls past the timeout, until the timeout interrupts it
        }
        if (dice < 150) {
            Thread.sleep(2); // slow: simulates a slow database, not a wait for a condition
        }
    }

    private static BufferOptions chaoticOptions(OverflowPolicy policy) {
        return BufferOptions.defaults()
                .withProcessingInterval(Duration.ofMillis(5))
                .withProcessingTimeout(Duration.ofMillis(100))
                .withProcessingBatchSize(50)
                .withDrainThreshold(300)
                .withDrainCheckInterval(Duration.ofMillis(1))
                .withCapacity(1_000)
                .withOverflow(policy)
                .withMaxBlock(Duration.ofMillis(20))
                .withProcessingRetries(1)
                .withRetryBackoff(Duration.ofMillis(1));
    }

    @ParameterizedTest
    @EnumSource(OverflowPolicy.class)
    void queue(OverflowPolicy policy) throws Exception {
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("chaos")
                .partitions(3)
                .options(chaoticOptions(policy))
                .listener(counting)
                .failureHandler(failed -> failed.elements().forEach(handled::incrementAndGet))
                .processor(batch -> {
                    misbehave();
                    batch.forEach(delivered::incrementAndGet);
                })
                .build();
        run(queue, queue::push);
    }

    @ParameterizedTest
    @EnumSource(OverflowPolicy.class)
    void hashMap(OverflowPolicy policy) throws Exception {
        TidefallHashMap<Integer, Integer> map = TidefallHashMap.<Integer, Integer>builder("chaos")
                .partitions(3)
                .options(chaoticOptions(policy).withProcessingBatchSize(BatchSize.TABLE))
                .listener(counting)
                .failureHandler(failed -> failed.elements().forEach(entry -> handled.incrementAndGet(entry.key())))
                .processor(entries -> {
                    misbehave();
                    entries.forEach(entry -> delivered.incrementAndGet(entry.key()));
                })
                .build();
        run(map, id -> {
            if (id % 2 == 0) {
                map.put(id, id);
            } else {
                map.putNewer(id, id, id);
            }
        });
    }

    private interface Write {
        void write(int id);
    }

    private void run(Buffer buffer, Write write) throws Exception {
        long seconds = Long.getLong("tidefall.chaos.seconds", DEFAULT_SECONDS);
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
        buffer.start();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(threads.submit(() -> {
                int i = 0;
                for (; i < MAX_PER_WRITER && System.nanoTime() < deadline; i++) {
                    int id = writer * MAX_PER_WRITER + i;
                    try {
                        write.write(id);
                        returned.set(id, 1);
                    } catch (BufferFullException full) {
                        refused.set(id, 1);
                    }
                }
                return i;
            }));
        }
        Future<?> meddler = threads.submit(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (running.get()) {
                switch (random.nextInt(4)) {
                    case 0 -> buffer.flush();
                    case 1 -> buffer.updateOptions(o -> o.withProcessingInterval(Duration.ofMillis(1 + random.nextInt(20))));
                    case 2 -> buffer.updateOptions(o -> o.withCapacity(200 + random.nextInt(2_000)));
                    default -> buffer.updateOptions(o -> o.withProcessingBatchSize(1 + random.nextInt(200)));
                }
            }
            return null;
        });

        long written = 0;
        for (Future<Integer> writer : writers) {
            written += writer.get(seconds + 60, TimeUnit.SECONDS);
        }
        running.set(false);
        meddler.get(60, TimeUnit.SECONDS);
        buffer.close();

        long writes = written;
        // Writers stop at the deadline, or earlier once each has written MAX_PER_WRITER elements (DROP and FAIL are fast).
        double writingSeconds = (System.nanoTime() - started) / 1e9;
        // A chunk that was with the processor when its drain timed out settles when the call returns: wait for those.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEveryElementHasExactlyOneFate(buffer, writes, writingSeconds));
    }

    private void assertEveryElementHasExactlyOneFate(Buffer buffer, long written, double seconds) {
        long deliveredCount = 0;
        long handledCount = 0;
        long refusedCount = 0;
        long vanished = 0;
        List<String> wrong = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            for (int i = 0; i < MAX_PER_WRITER; i++) {
                int id = w * MAX_PER_WRITER + i;
                int outcomes = delivered.get(id) + handled.get(id);
                if (refused.get(id) == 1) {
                    refusedCount++;
                    if (outcomes != 0 && wrong.size() < 10) {
                        wrong.add(id + " was refused to its writer but reached the processor or handler");
                    }
                } else if (returned.get(id) == 1) {
                    if (outcomes > 1 && wrong.size() < 10) {
                        wrong.add(id + " delivered " + delivered.get(id) + " times and handled " + handled.get(id) + " times");
                    }
                    if (outcomes == 0) {
                        vanished++;
                    }
                } else if (outcomes != 0 && wrong.size() < 10) {
                    wrong.add(id + " was never written but reached the processor or handler");
                }
                deliveredCount += delivered.get(id);
                handledCount += handled.get(id);
            }
        }
        System.out.printf("chaos %s: %d writes, %d delivered, %d to the failure handler (%d exception and %d timeout reports),"
                        + " %d dropped, %d refused, in %.1fs from start to close%n",
                buffer, written, deliveredCount, handledCount, exceptions.get(), timeouts.get(), dropped.get(), refusedCount, seconds);

        assertThat(wrong).as("elements with an impossible fate (first 10)").isEmpty();
        assertThat(vanished).as("accepted elements neither delivered nor handed to the failure handler: only drops may explain them")
                .isEqualTo(dropped.get());
        assertThat(deliveredCount + handledCount + dropped.get() + refusedCount).isEqualTo(written);
        assertThat(handledCount).as("failures happened").isPositive();
        assertThat(deliveredCount).as("deliveries happened").isPositive();
    }
}

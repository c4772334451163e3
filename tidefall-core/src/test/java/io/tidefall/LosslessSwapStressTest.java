package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hammers the swap: writers race 1 ms ticks, early drains and a thread that flushes in a loop,
 * and close() comes right after the last write. Every element is distinct, so "delivered exactly
 * once" is checked per element: none missing, none twice.
 */
@Timeout(120)
class LosslessSwapStressTest {

    private static final int WRITERS = 4;
    private static final int PER_WRITER = 250_000;
    private static final int TOTAL = WRITERS * PER_WRITER;

    private static final BufferOptions RACING = BufferOptions.defaults()
            .withProcessingInterval(Duration.ofMillis(1))
            .withDrainThreshold(2_000)
            .withDrainCheckInterval(Duration.ofMillis(1))
            .withProcessingBatchSize(1_000);

    private final AtomicIntegerArray deliveries = new AtomicIntegerArray(TOTAL);
    private final AtomicLong drains = new AtomicLong();
    private final AtomicLong flushes = new AtomicLong();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private final BufferListener drainCounter = new BufferListener() {
        @Override
        public void drainStarted(String buffer, int partition, int size) {
            drains.incrementAndGet();
        }
    };

    @Test
    void queuePushDeliversEveryItemExactlyOnceAndInOrderPerRoutingKey() throws Exception {
        AtomicIntegerArray lastSeenPerWriter = new AtomicIntegerArray(WRITERS);
        AtomicInteger outOfOrder = new AtomicInteger();
        for (int w = 0; w < WRITERS; w++) {
            lastSeenPerWriter.set(w, -1);
        }
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("stress")
                .partitions(3)
                .options(RACING)
                .partitionKey(id -> id / PER_WRITER) // one writer's items share a partition, so their order is checkable
                .listener(drainCounter)
                .processor(batch -> {
                    for (int id : batch) {
                        deliveries.incrementAndGet(id);
                        int writer = id / PER_WRITER;
                        if (lastSeenPerWriter.getAndSet(writer, id) >= id) {
                            outOfOrder.incrementAndGet();
                        }
                    }
                })
                .build();

        raceEach(queue, id -> queue.push(id));

        assertEveryElementDeliveredExactlyOnce();
        assertThat(outOfOrder).as("items of one routing key delivered out of push order").hasValue(0);
    }

    @Test
    void queuePushAllInTableModeDeliversEveryItemExactlyOnce() throws Exception {
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("stress")
                .partitions(2)
                .options(RACING.withProcessingBatchSize(BatchSize.TABLE))
                .listener(drainCounter)
                .processor(batch -> batch.forEach(deliveries::incrementAndGet))
                .build();
        race(queue, writer -> {
            List<Integer> mine = new ArrayList<>(10);
            for (int i = 0; i < PER_WRITER; i++) {
                mine.add(writer * PER_WRITER + i);
                if (mine.size() == 10) {
                    queue.pushAll(mine);
                    mine.clear();
                }
                if ((i & 1023) == 0) {
                    Thread.yield();
                }
            }
            queue.pushAll(mine);
        });

        assertEveryElementDeliveredExactlyOnce();
    }

    @Test
    void hashMapPutDeliversEveryKeyExactlyOnce() throws Exception {
        TidefallHashMap<Integer, Integer> map = TidefallHashMap.<Integer, Integer>builder("stress")
                .partitions(3)
                .options(RACING)
                .listener(drainCounter)
                .processor(entries -> entries.forEach(entry -> {
                    deliveries.incrementAndGet(entry.key());
                    assertThat(entry.value()).isEqualTo(entry.key());
                }))
                .build();

        raceEach(map, id -> map.put(id, id));

        assertEveryElementDeliveredExactlyOnce();
    }

    @Test
    void hashMapPutNewerDeliversEveryKeyExactlyOnce() throws Exception {
        AtomicInteger stale = new AtomicInteger();
        TidefallHashMap<Integer, Integer> map = TidefallHashMap.<Integer, Integer>builder("stress")
                .partitions(2)
                .options(RACING.withProcessingBatchSize(BatchSize.TABLE))
                .listener(drainCounter)
                .processor(entries -> entries.forEach(entry -> deliveries.incrementAndGet(entry.key())))
                .build();

        raceEach(map, id -> {
            if (!map.putNewer(id, id, id)) {
                stale.incrementAndGet();
            }
        });

        assertEveryElementDeliveredExactlyOnce();
        assertThat(stale).as("a fresh key is always written").hasValue(0);
    }

    @Test
    void concurrentPutNewerOfTheSameKeysKeepsTheNewestVersion() throws Exception {
        int keys = 100;
        java.util.Map<Integer, Long> newest = new java.util.concurrent.ConcurrentHashMap<>();
        TidefallHashMap<Integer, Long> map = TidefallHashMap.<Integer, Long>builder("newest")
                .partitions(2)
                .processor(entries -> entries.forEach(entry -> {
                    assertThat(entry.value()).isEqualTo(entry.version());
                    newest.put(entry.key(), entry.version());
                }))
                .build(); // not started: one drain, at close, sees the final state
        AtomicLongArray written = new AtomicLongArray(keys);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(threads.submit(() -> {
                java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
                for (int i = 0; i < 100_000; i++) {
                    int key = random.nextInt(keys);
                    long version = random.nextLong(1, 1_000_000_000L);
                    map.putNewer(key, version, version);
                    written.accumulateAndGet(key, version, Math::max);
                }
                return null;
            }));
        }
        for (Future<?> writer : writers) {
            writer.get(60, TimeUnit.SECONDS);
        }
        map.close();

        for (int key = 0; key < keys; key++) {
            assertThat(newest.get(key)).as("version delivered for key %d", key).isEqualTo(written.get(key));
        }
    }

    @Test
    void writesRacingCloseAreEitherDeliveredOrRefusedNeverLost() throws Exception {
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("stress")
                .partitions(2)
                .options(RACING)
                .processor(batch -> batch.forEach(deliveries::incrementAndGet))
                .build();
        queue.start();
        AtomicIntegerArray accepted = new AtomicIntegerArray(TOTAL);
        CountDownLatch halfway = new CountDownLatch(WRITERS);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(threads.submit(() -> {
                for (int i = 0; i < PER_WRITER; i++) {
                    int id = writer * PER_WRITER + i;
                    if (i == PER_WRITER / 100) {
                        halfway.countDown();
                    }
                    try {
                        queue.push(id);
                        accepted.set(id, 1);
                    } catch (IllegalStateException closed) {
                        return null;
                    }
                }
                return null;
            }));
        }
        halfway.await();
        queue.close();
        for (Future<?> writer : writers) {
            writer.get(60, TimeUnit.SECONDS);
        }

        int refusedOrNeverTried = 0;
        for (int id = 0; id < TOTAL; id++) {
            assertThat(deliveries.get(id)).as("deliveries of element %d", id).isEqualTo(accepted.get(id));
            refusedOrNeverTried += 1 - accepted.get(id);
        }
        assertThat(refusedOrNeverTried).as("close cut the writers short").isPositive();
    }

    /** Each writer writes its own ids, one call each. */
    private void raceEach(Buffer buffer, IntConsumer write) throws Exception {
        race(buffer, writer -> {
            for (int i = 0; i < PER_WRITER; i++) {
                write.accept(writer * PER_WRITER + i);
                if ((i & 1023) == 0) {
                    Thread.yield(); // on 2 cores, let ticks, drains and flushes interleave with the writes
                }
            }
        });
    }

    private interface WriterLoop {
        void run(int writer) throws Exception;
    }

    private void race(Buffer buffer, WriterLoop loop) throws Exception {
        buffer.start();
        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(threads.submit(() -> {
                go.await();
                loop.run(writer);
                return null;
            }));
        }
        Future<?> flusher = threads.submit(() -> {
            go.await();
            while (writing.get()) {
                buffer.flush();
                flushes.incrementAndGet();
            }
            return null;
        });
        go.countDown();
        for (Future<?> writer : writers) {
            writer.get(60, TimeUnit.SECONDS);
        }
        long drainsWhileWriting = drains.get();
        long flushesWhileWriting = flushes.get();
        writing.set(false);
        buffer.close(); // right after the last write, while the flusher may still be flushing
        flusher.get(60, TimeUnit.SECONDS);

        System.out.printf("%s: %d drains and %d flushes raced the writers%n", buffer, drainsWhileWriting, flushesWhileWriting);
        assertThat(drainsWhileWriting).as("drains raced the writers").isGreaterThanOrEqualTo(3);
        assertThat(flushesWhileWriting).as("flushes raced the writers").isPositive();
    }

    private void assertEveryElementDeliveredExactlyOnce() {
        List<String> wrong = new ArrayList<>();
        long delivered = 0;
        for (int id = 0; id < TOTAL; id++) {
            int count = deliveries.get(id);
            delivered += count;
            if (count != 1 && wrong.size() < 10) {
                wrong.add(id + " delivered " + count + " times");
            }
        }
        assertThat(wrong).as("elements not delivered exactly once (first 10)").isEmpty();
        assertThat(delivered).isEqualTo(TOTAL);
    }
}

package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bounded write tables and the three overflow policies. */
@Timeout(30)
class CapacityTests {

    private final ManualScheduler clock = new ManualScheduler();
    private final Batches<Integer> batches = new Batches<>();
    private final List<String> dropped = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    private final BufferListener dropListener = new BufferListener() {
        @Override
        public void elementsDropped(String buffer, int partition, long count, String reason) {
            dropped.add(buffer + "/" + partition + " " + count + " " + reason);
        }
    };

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private TidefallQueue<Integer> queue(BufferOptions options) {
        return TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(options.withProcessingBatchSize(100))
                .scheduler(clock)
                .executor(Runnable::run)
                .listener(dropListener)
                .processor(batches)
                .build();
    }

    @Test
    void theWriteThatFillsATableDrainsItAtOnceWithoutATick() {
        TidefallQueue<Integer> queue = queue(BufferOptions.defaults().withCapacity(3).withOverflow(OverflowPolicy.FAIL));
        queue.start();
        IntStream.range(0, 3).forEach(queue::push);

        assertThat(batches.all()).as("reaching capacity drained at once, without a tick").containsExactly(0, 1, 2);
        queue.push(3);
        assertThat(queue.bufferSize()).as("the next writer found room").isEqualTo(1);
        queue.close();
    }

    @Test
    void failThrowsAtOnceNamingBufferAndPartitionWhenBothTablesAreFull() {
        List<Runnable> heldDrains = new CopyOnWriteArrayList<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withCapacity(3).withOverflow(OverflowPolicy.FAIL))
                .scheduler(clock)
                .executor(heldDrains::add) // takes the drain, runs it only when the test says so
                .processor(batches)
                .build();
        queue.start();
        IntStream.range(0, 6).forEach(queue::push); // 0-2 fill the first table (now draining), 3-5 the second

        assertThatThrownBy(() -> queue.push(6))
                .isInstanceOf(BufferFullException.class)
                .hasMessage("Buffer 'events' partition 0 is full (capacity 3, overflow FAIL)")
                .satisfies(e -> {
                    assertThat(((BufferFullException) e).buffer()).isEqualTo("events");
                    assertThat(((BufferFullException) e).partition()).isZero();
                });
        assertThat(heldDrains).as("one drain in flight, whatever the writers ask").hasSize(1);
        heldDrains.get(0).run(); // the first table drains; the second, full and asked for, follows at once
        assertThat(heldDrains).hasSize(2);
        heldDrains.get(1).run();
        assertThat(batches.all()).containsExactly(0, 1, 2, 3, 4, 5);
        queue.push(6);
        queue.close();
        assertThat(batches.all()).endsWith(6);
    }

    @Test
    void theHashMapWriteThatAddsTheLastKeyDrainsAtOnce() {
        Batches<TidefallHashMap.Entry<String, Integer>> entries = new Batches<>();
        TidefallHashMap<String, Integer> map = TidefallHashMap.<String, Integer>builder("presence")
                .partitions(1)
                .options(BufferOptions.defaults().withCapacity(2))
                .scheduler(clock)
                .executor(Runnable::run)
                .processor(entries)
                .build();
        map.start();
        map.put("a", 1);
        map.put("a", 2); // an overwrite adds no key
        assertThat(entries.all()).isEmpty();
        assertThat(map.putNewer("b", 1, 1)).isTrue();
        assertThat(entries.all()).extracting(TidefallHashMap.Entry::key).containsExactlyInAnyOrder("a", "b");
        map.close();
    }

    @Test
    void loweringTheCapacityBelowWhatATableHoldsRefusesWithoutGrowingIt() {
        TidefallQueue<Integer> queue = queue(BufferOptions.defaults().withCapacity(2).withOverflow(OverflowPolicy.DROP));
        queue.push(0);
        queue.push(1);
        queue.updateOptions(o -> o.withCapacity(3));
        queue.push(2);
        queue.updateOptions(o -> o.withCapacity(1));
        IntStream.range(0, 10_000).forEach(queue::push);

        assertThat(queue.bufferSize()).isEqualTo(3);
        assertThat(queue.stats(0).dropped()).isEqualTo(10_000);
        queue.close();
        assertThat(batches.all()).containsExactly(0, 1, 2);
    }

    @Test
    void dropDiscardsCountsAndReports() {
        TidefallQueue<Integer> queue = queue(BufferOptions.defaults().withCapacity(2).withOverflow(OverflowPolicy.DROP));
        IntStream.range(0, 5).forEach(queue::push); // not started: no drain can free room

        assertThat(queue.bufferSize()).isEqualTo(2);
        assertThat(dropped).containsExactly("events/0 1 overflow", "events/0 1 overflow", "events/0 1 overflow");
        assertThat(queue.stats(0).dropped()).isEqualTo(3);
        queue.close();
        assertThat(batches.all()).containsExactly(0, 1);
    }

    @Test
    void blockWaitsForADrainToFreeRoom() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Batches<Integer> processed = new Batches<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withCapacity(2).withMaxBlock(Duration.ofSeconds(20)))
                .scheduler(clock)
                .executor(threads)
                .processor(batch -> {
                    release.await();
                    processed.process(batch);
                })
                .build();
        queue.start();
        queue.push(0);
        queue.push(1);

        Future<?> blocked = threads.submit(() -> queue.push(2));
        await().until(() -> queue.stats(0).draining()); // the full table was swapped out at once
        // The fresh table has room, so the writer got in without waiting for the slow drain.
        blocked.get(5, TimeUnit.SECONDS);
        queue.push(3);
        CallOnOwnThread blockedAgain = CallOnOwnThread.start("writer", () -> queue.push(4)); // full again, drain still in flight
        blockedAgain.awaitWaitingIn(PartitionedBuffer.class, "onFull");

        clock.advance(Duration.ofSeconds(5)); // a tick while the drain is in flight must not swap: no room for the writer
        assertThat(queue.bufferSize()).as("the full table is still the write table").isEqualTo(2);
        blockedAgain.awaitWaitingIn(PartitionedBuffer.class, "onFull");
        assertThat(blockedAgain.isDone()).isFalse();
        assertThat(processed.all()).isEmpty();

        release.countDown();
        blockedAgain.join();
        queue.close();
        assertThat(processed.all()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void blockGivesUpAfterMaxBlock() {
        TidefallQueue<Integer> queue = queue(BufferOptions.defaults().withCapacity(1).withMaxBlock(Duration.ofMillis(50)));
        queue.push(0); // not started: nothing will drain

        assertThatThrownBy(() -> queue.push(1))
                .isInstanceOf(BufferFullException.class)
                .hasMessage("Buffer 'events' partition 0 stayed full (capacity 1) for maxBlock PT0.05S");
        assertThat(queue.bufferSize()).isEqualTo(1);
        queue.close();
        assertThat(batches.all()).containsExactly(0);
    }

    @Test
    void pushAllAppliesCapacityItemByItem() {
        TidefallQueue<Integer> queue = queue(BufferOptions.defaults().withCapacity(2).withOverflow(OverflowPolicy.FAIL));
        assertThatThrownBy(() -> queue.pushAll(List.of(0, 1, 2, 3))).isInstanceOf(BufferFullException.class);
        assertThat(queue.bufferSize()).isEqualTo(2);
        queue.close();
        assertThat(batches.all()).containsExactly(0, 1);
    }

    @Test
    void overwritingABufferedKeyNeverOverflows() {
        TidefallHashMap<String, Integer> map = TidefallHashMap.<String, Integer>builder("presence")
                .partitions(1)
                .options(BufferOptions.defaults().withCapacity(2).withOverflow(OverflowPolicy.FAIL))
                .scheduler(clock)
                .executor(Runnable::run)
                .processor(entries -> { })
                .build();
        map.put("a", 1);
        map.put("b", 1);
        for (int i = 2; i < 100; i++) {
            map.put("a", i);
            assertThat(map.putNewer("b", i, i)).isTrue();
        }
        assertThatThrownBy(() -> map.put("c", 1)).isInstanceOf(BufferFullException.class).hasMessageContaining("'presence'");
        assertThatThrownBy(() -> map.putNewer("c", 1, 1)).isInstanceOf(BufferFullException.class);
        assertThat(map.bufferSize()).isEqualTo(2);
        map.close();
    }

    @Test
    void capacityIsRuntimeUpdatable() {
        TidefallQueue<Integer> queue = queue(BufferOptions.defaults().withCapacity(1).withOverflow(OverflowPolicy.DROP));
        queue.push(0);
        queue.push(1);
        assertThat(queue.bufferSize()).isEqualTo(1);

        queue.updateOptions(o -> o.withCapacity(3));
        queue.push(1);
        queue.push(2);
        queue.push(3);
        assertThat(queue.bufferSize()).isEqualTo(3);

        queue.updateOptions(BufferOptions::withoutCapacity);
        IntStream.range(0, 100).forEach(queue::push);
        assertThat(queue.bufferSize()).isEqualTo(103);
        queue.close();
    }
}

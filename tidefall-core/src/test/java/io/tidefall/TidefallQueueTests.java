package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Queue semantics, on a manual clock with drains on the ticking thread: fully deterministic. */
class TidefallQueueTests {

    private final ManualScheduler clock = new ManualScheduler();
    private final Batches<Integer> batches = new Batches<>();
    private final RecordingListener listener = new RecordingListener();
    private TidefallQueue<Integer> queue;

    private TidefallQueue<Integer> queue(int partitions, BufferOptions options) {
        queue = TidefallQueue.<Integer>builder("events")
                .processor(batches)
                .partitions(partitions)
                .options(options)
                .executor(Runnable::run)
                .scheduler(clock)
                .listener(listener)
                .build();
        return queue;
    }

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close();
        }
    }

    @Test
    void tickDrainsInBatchesOfTheConfiguredSizeInPushOrder() {
        queue(1, BufferOptions.defaults().withProcessingBatchSize(4));
        queue.start();
        IntStream.range(0, 10).forEach(queue::push);

        clock.advance(Duration.ofSeconds(5));

        assertThat(batches.sizes()).containsExactly(4, 4, 2);
        assertThat(batches.all()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(queue.bufferSize()).isZero();
    }

    @Test
    void nothingDrainsBeforeTheInterval() {
        queue(1, BufferOptions.defaults());
        queue.start();
        queue.push(1);

        clock.advance(Duration.ofMillis(4999));

        assertThat(batches.received).isEmpty();
        assertThat(queue.bufferSize()).isEqualTo(1);
    }

    @Test
    void emptyTickDoesNothingAndTheNextTickIsArmed() {
        queue(1, BufferOptions.defaults());
        queue.start();

        clock.advance(Duration.ofSeconds(15));

        assertThat(listener.drainEvents()).isEmpty();
        assertThat(queue.stats(0).drains()).isZero();
        assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(5));

        queue.push(7);
        clock.advance(Duration.ofSeconds(5));
        assertThat(batches.all()).containsExactly(7);
    }

    @Test
    void tableModeHandsOverTheWholeTableAsOneListThatTheProcessorMayKeep() {
        List<List<Integer>> kept = new ArrayList<>();
        queue = TidefallQueue.<Integer>builder("events")
                .processor(kept::add)
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingBatchSize(BatchSize.TABLE))
                .executor(Runnable::run)
                .scheduler(clock)
                .build();
        queue.start();
        IntStream.range(0, 25).forEach(queue::push);
        clock.advance(Duration.ofSeconds(5));
        queue.push(100);
        clock.advance(Duration.ofSeconds(5));

        assertThat(kept).hasSize(2);
        assertThat(kept.get(0)).hasSize(25).startsWith(0, 1, 2).endsWith(24);
        assertThat(kept.get(1)).containsExactly(100); // the engine neither cleared nor reused the first
    }

    @Test
    void orderingSortsEachTableAndKeepsPushOrderForTies() {
        List<String> received = new ArrayList<>();
        TidefallQueue<String> sorted = TidefallQueue.<String>builder("words")
                .processor(received::addAll)
                .partitions(1)
                .ordering(Comparator.comparing(String::length))
                .executor(Runnable::run)
                .scheduler(clock)
                .build();
        sorted.start();
        List.of("ccc", "a", "bb", "b", "aaa", "c").forEach(sorted::push);

        clock.advance(Duration.ofSeconds(5));

        assertThat(received).containsExactly("a", "b", "c", "bb", "ccc", "aaa");
        sorted.close();
    }

    @Test
    void itemsWithTheSameRoutingKeyKeepTheirPushOrder() {
        queue(4, BufferOptions.defaults().withProcessingBatchSize(7));
        queue.start();
        for (int i = 0; i < 400; i++) {
            queue.push(i, i % 10);
        }
        clock.advance(Duration.ofSeconds(5));

        assertThat(batches.all()).hasSize(400);
        for (int key = 0; key < 10; key++) {
            int k = key;
            assertThat(batches.all().stream().filter(i -> i % 10 == k).toList()).hasSize(40).isSorted();
        }
    }

    @Test
    void pushAllPushesEveryItemInOrder() {
        queue(1, BufferOptions.defaults().withProcessingBatchSize(100));
        queue.start();
        queue.pushAll(List.of(3, 1, 2));
        queue.pushAll(List.of());

        assertThat(queue.bufferSize()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(5));
        assertThat(batches.all()).containsExactly(3, 1, 2);
    }

    @Test
    void bufferSizeCountsEveryPartitionsWriteTable() {
        queue(4, BufferOptions.defaults());
        for (int i = 0; i < 100; i++) {
            queue.push(i);
        }

        long perPartition = IntStream.range(0, 4).mapToLong(queue::bufferSize).sum();
        assertThat(queue.bufferSize()).isEqualTo(100).isEqualTo(perPartition);
    }

    @Test
    void earlyDrainTriggersAtTheThresholdAndResetsTheInterval() {
        queue(1, BufferOptions.defaults()
                .withDrainThreshold(5)
                .withDrainCheckInterval(Duration.ofMillis(100))
                .withProcessingBatchSize(100));
        queue.start();
        IntStream.range(0, 4).forEach(queue::push);
        clock.advance(Duration.ofMillis(100));
        assertThat(batches.received).as("below the threshold").isEmpty();

        IntStream.range(4, 12).forEach(queue::push);
        clock.advance(Duration.ofMillis(100));
        assertThat(batches.all()).as("a trigger, not a cap: all 12 drained")
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);

        // The interval restarted at t=200ms: nothing at t=5s, the next tick at t=5.2s.
        queue.push(99);
        clock.advance(Duration.ofMillis(4800));
        assertThat(batches.received).hasSize(1);
        clock.advance(Duration.ofMillis(200));
        assertThat(batches.all()).endsWith(99);
    }

    @Test
    void withoutThresholdThereIsNoDrainCheckTimer() {
        queue(1, BufferOptions.defaults());
        queue.start();
        assertThat(clock.pendingDelays()).containsExactly(Duration.ofSeconds(5));
    }

    @Test
    void listenerHearsTheWholeLifecycle() {
        queue(1, BufferOptions.defaults().withProcessingBatchSize(2));
        queue.start();
        queue.pushAll(List.of(1, 2, 3));
        clock.advance(Duration.ofSeconds(5));
        queue.close();

        assertThat(listener.events).containsExactly(
                "started events/0",
                "drain 0 size 3",
                "completed 0 size 3 failed 0",
                "stopped events/0");
    }
}

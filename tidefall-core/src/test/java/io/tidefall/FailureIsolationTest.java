package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A processor can fail, hang or misbehave; the buffer carries on. */
@Timeout(30)
class FailureIsolationTest {

    private final ManualScheduler clock = new ManualScheduler();
    private final RecordingListener listener = new RecordingListener();

    @Test
    void aThrowingChunkLosesOnlyItselfAndTheRestOfTheTableIsProcessed() {
        Batches<Integer> processed = new Batches<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingBatchSize(3))
                .executor(Runnable::run)
                .scheduler(clock)
                .listener(listener)
                .processor(batch -> {
                    if (batch.contains(4)) {
                        throw new IllegalStateException("database down");
                    }
                    processed.process(batch);
                })
                .build();
        queue.start();
        IntStream.range(0, 9).forEach(queue::push);

        clock.advance(Duration.ofSeconds(5));

        assertThat(processed.all()).containsExactly(0, 1, 2, 6, 7, 8);
        assertThat(listener.drainEvents()).containsExactly(
                "drain 0 size 9", "failed 0 size 3 EXCEPTION", "completed 0 size 9 failed 3");
        assertThat(listener.causes).singleElement().satisfies(c -> assertThat(c).hasMessage("database down"));
        assertThat(queue.stats(0).failed()).isEqualTo(3);
        assertThat(queue.stats(0).drained()).isEqualTo(6);

        queue.push(42);
        clock.advance(Duration.ofSeconds(5));
        assertThat(processed.all()).as("the partition carries on").endsWith(42);
        queue.close();
    }

    @Test
    void errorsAndThrowingListenersDoNotStopTheBuffer() {
        Batches<Integer> processed = new Batches<>();
        AtomicBoolean first = new AtomicBoolean(true);
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .executor(Runnable::run)
                .scheduler(clock)
                .listener(new BufferListener() {
                    @Override
                    public void drainStarted(String buffer, int partition, int size) {
                        throw new IllegalStateException("listener bug");
                    }
                })
                .processor(batch -> {
                    if (first.getAndSet(false)) {
                        throw new StackOverflowError("processor bug");
                    }
                    processed.process(batch);
                })
                .build();
        queue.start();
        queue.push(1);
        clock.advance(Duration.ofSeconds(5));
        queue.push(2);
        clock.advance(Duration.ofSeconds(5));

        assertThat(processed.all()).containsExactly(2);
        queue.close();
    }

    @Test
    void aDrainPastItsTimeoutIsInterruptedReportedAndFreesThePartition() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        List<List<Integer>> processed = new CopyOnWriteArrayList<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults()
                        .withProcessingBatchSize(2)
                        .withProcessingInterval(Duration.ofMillis(20))
                        .withProcessingTimeout(Duration.ofMillis(300)))
                .listener(listener)
                .processor(batch -> {
                    if (batch.contains(2)) {
                        try {
                            new CountDownLatch(1).await(); // hangs until interrupted
                        } catch (InterruptedException e) {
                            interrupted.countDown();
                            throw e;
                        }
                    }
                    processed.add(List.copyOf(batch));
                })
                .build();
        queue.start();
        IntStream.range(0, 6).forEach(queue::push); // chunks [0,1] [2,3] [4,5]

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the hung processor was interrupted").isTrue();
        // At the timeout the two chunks not started are lost; the interrupted one when its call throws.
        await().untilAsserted(() -> assertThat(listener.drainEvents()).containsSubsequence(
                "failed 0 size 2 TIMEOUT", "completed 0 size 6 failed 4 timed out"));
        await().untilAsserted(() -> assertThat(listener.drainEvents()).filteredOn(e -> e.equals("failed 0 size 2 TIMEOUT")).hasSize(2));
        assertThat(processed).containsExactly(List.of(0, 1));
        assertThat(listener.causes).hasSize(2).allSatisfy(c -> assertThat(c).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("'events'").hasMessageContaining("processingTimeout PT0.3S"));
        assertThat(queue.stats(0).failed()).isEqualTo(4);

        queue.push(100);
        await().untilAsserted(() -> assertThat(processed).contains(List.of(100)));
        queue.close();
    }

    @Test
    void aProcessorStuckPastItsTimeoutHoldsOneTableNotOnePerTick() throws Exception {
        CountDownLatch unstick = new CountDownLatch(1);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
        Batches<Integer> processed = new Batches<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofMillis(1)))
                .scheduler(clock)
                .executor(threads)
                .listener(listener)
                .processor(batch -> {
                    if (batch.contains(1)) {
                        Deaf.await(unstick);
                    }
                    processed.process(batch);
                })
                .build();
        queue.start();
        queue.push(1);
        clock.advance(Duration.ofSeconds(5));
        await().untilAsserted(() -> {
            clock.advance(Duration.ofMillis(1)); // fires the watchdog once the timeout has really passed
            assertThat(listener.drainEvents()).contains("completed 0 size 1 failed 1 timed out");
        });

        queue.push(2);
        clock.advance(Duration.ofSeconds(15));
        assertThat(queue.bufferSize()).as("no new drain while the timed-out call still runs").isEqualTo(1);
        assertThat(queue.stats(0).stuck()).isTrue();
        assertThat(queue.stats(0).draining()).isFalse();
        assertThat(listener.drainEvents()).filteredOn(e -> e.startsWith("drain")).hasSize(1);

        unstick.countDown();
        await().untilAsserted(() -> {
            clock.advance(Duration.ofSeconds(5));
            assertThat(processed.all()).contains(2);
        });
        assertThat(queue.stats(0).stuck()).isFalse();
        queue.close();
        threads.shutdownNow();
    }

    @Test
    void flushAndCloseReturnAtTheTimeoutOfAProcessorThatIgnoresInterrupts() {
        CountDownLatch never = new CountDownLatch(1);
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofMillis(200)))
                .listener(listener)
                .processor(batch -> Deaf.await(never))
                .build();
        queue.start();
        queue.push(1);
        queue.flush(); // returns at the timeout
        assertThat(listener.drainEvents()).containsExactly("drain 0 size 1", "completed 0 size 1 failed 1 timed out");

        queue.push(2);
        queue.close(); // likewise, even though the flush's drain thread is still stuck
        assertThat(listener.drainEvents()).filteredOn(e -> e.endsWith("timed out")).hasSize(2);
        assertThat(listener.drainEvents()).as("the stuck chunks' fate is not known yet").noneMatch(e -> e.startsWith("failed"));
        never.countDown();
    }
}

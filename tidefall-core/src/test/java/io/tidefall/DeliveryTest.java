package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Delivery through a sink that goes away: a failed chunk is kept and offered again, with backoff,
 * until it goes through or its delivery deadline passes; a permanent failure is narrowed down to
 * the elements it fails on; a retrying partition holds its writers back at its capacity; a close
 * hands what it could not deliver to the failure handler within its budget.
 */
@Timeout(60)
class DeliveryTest {

    /** A database that is down until told otherwise; counts the calls it refused. */
    private final AtomicBoolean down = new AtomicBoolean(true);
    private final AtomicInteger refused = new AtomicInteger();
    private final Batches<Integer> stored = new Batches<>();
    private final List<FailedBatch<Integer>> deadLetters = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor drains = new ThreadPoolExecutor(4, 4, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
    private final ScheduledExecutorService timers = java.util.concurrent.Executors.newScheduledThreadPool(1);

    private final BatchProcessor<Integer> database = batch -> {
        if (down.get()) {
            refused.incrementAndGet();
            throw new java.io.UncheckedIOException(new java.net.ConnectException("connection refused"));
        }
        stored.process(batch);
    };

    @AfterEach
    void stop() {
        drains.shutdownNow();
        timers.shutdownNow();
    }

    private TidefallQueue.Builder<Integer> queue(BufferOptions options) {
        return TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(options)
                .executor(drains)
                .scheduler(Scheduler.of(timers))
                .failureHandler(deadLetters::add);
    }

    private static BufferOptions fastRetries() {
        return BufferOptions.defaults()
                .withProcessingBatchSize(2)
                .withRetryBackoff(Duration.ofMillis(5))
                .withRetryBackoffMax(Duration.ofMillis(40));
    }

    @Test
    void anOutageIsRiddenOutWithNothingLostAndQueueOrderKept() {
        TidefallQueue<Integer> queue = queue(fastRetries()).processor(database).build();
        queue.start();
        IntStream.range(0, 6).forEach(queue::push);

        FlushResult duringOutage = queue.flush();
        assertThat(duringOutage.pending()).as("the flush returns while the chunk waits for its retry").isEqualTo(6);
        await().until(() -> refused.get() >= 3);
        PartitionStats retrying = queue.stats(0);
        assertThat(retrying.retrying()).isTrue();
        assertThat(retrying.retryCause()).hasRootCauseInstanceOf(java.net.ConnectException.class);
        assertThat(retrying.retried()).isGreaterThanOrEqualTo(2 * 2);
        assertThat(stored.received).as("nothing newer is offered while the first chunk fails").isEmpty();

        down.set(false);
        await().untilAsserted(() -> assertThat(stored.all()).containsExactly(0, 1, 2, 3, 4, 5));
        assertThat(deadLetters).isEmpty();
        assertThat(queue.stats(0).retrying()).isFalse();
        assertThat(queue.stats(0).drained()).isEqualTo(6);
        queue.close();
    }

    @Test
    void pausesGrowFromRetryBackoffUpToRetryBackoffMax() {
        List<Duration> pauses = new CopyOnWriteArrayList<>();
        TidefallQueue<Integer> queue = queue(BufferOptions.defaults()
                .withRetryBackoff(Duration.ofMillis(10))
                .withRetryBackoffMax(Duration.ofMillis(80)))
                .processor(database)
                .listener(new BufferListener() {
                    @Override
                    public void chunkRetrying(String buffer, int partition, int size, int attempt, Throwable cause,
                            Duration backoff) {
                        pauses.add(backoff);
                    }
                })
                .build();
        queue.push(1);
        queue.flush();
        await().until(() -> pauses.size() >= 7);
        // 10, 20, 40, 80, 80, ... ms, each within 20 % either way
        long[] expected = {10, 20, 40, 80, 80, 80, 80};
        for (int i = 0; i < expected.length; i++) {
            assertThat(pauses.get(i).toNanos()).as("pause %d", i + 1)
                    .isBetween((long) (expected[i] * 0.8e6), (long) (expected[i] * 1.2e6));
        }
        queue.close(Duration.ZERO);
    }

    @Test
    void pastItsDeliveryTimeoutAChunkGoesToTheFailureHandlerWithTheLastFailure() {
        TidefallQueue<Integer> queue = queue(fastRetries().withDeliveryTimeout(Duration.ofMillis(300))
                .withProcessingInterval(Duration.ofMillis(20))).processor(database).build();
        queue.start();
        queue.pushAll(List.of(1, 2, 3));

        await().untilAsserted(() -> assertThat(deadLetters).hasSize(2));
        assertThat(deadLetters).extracting(FailedBatch::elements).containsExactly(List.of(1, 2), List.of(3));
        assertThat(deadLetters).allSatisfy(failed -> assertThat(failed.cause())
                .hasRootCauseInstanceOf(java.net.ConnectException.class));
        assertThat(refused.get()).as("retried, not given up at once").isGreaterThan(4);
        assertThat(queue.stats(0).failed()).isEqualTo(3);
        queue.close();
    }

    @Test
    void aPermanentFailureIsNarrowedDownToThePoisonElements() {
        TidefallQueue<Integer> queue = queue(fastRetries().withProcessingBatchSize(10))
                .retryPolicy(RetryPolicy.nonRetryable(IllegalArgumentException.class))
                .processor(batch -> {
                    if (batch.contains(3) || batch.contains(7)) {
                        throw new IllegalArgumentException("constraint violated by " + batch);
                    }
                    stored.process(batch);
                })
                .build();
        IntStream.range(0, 10).forEach(queue::push);

        assertThat(queue.flush()).isEqualTo(new FlushResult(8, 2, 0));

        assertThat(stored.all()).containsExactly(0, 1, 2, 4, 5, 6, 8, 9);
        assertThat(deadLetters).extracting(FailedBatch::elements).containsExactly(List.of(3), List.of(7));
        assertThat(deadLetters).allSatisfy(failed -> assertThat(failed.cause()).isInstanceOf(IllegalArgumentException.class));
        queue.close();
    }

    @Test
    void aRetryPolicyThatThrowsCountsTheFailureAsPermanent() {
        TidefallQueue<Integer> queue = queue(fastRetries().withProcessingBatchSize(1))
                .retryPolicy(failure -> {
                    throw new IllegalStateException("policy bug");
                })
                .processor(database)
                .build();
        queue.push(1);
        assertThat(queue.flush()).isEqualTo(new FlushResult(0, 1, 0));
        assertThat(deadLetters).singleElement().satisfies(failed -> assertThat(failed.elements()).containsExactly(1));
        queue.close();
    }

    @Test
    void aRetryingPartitionHoldsItsWritersBackAtItsCapacityAndKeepsTwoTables() {
        TidefallQueue<Integer> queue = queue(fastRetries()
                .withCapacity(4)
                .withOverflow(OverflowPolicy.BLOCK)
                .withMaxBlock(Duration.ofMillis(100)))
                .processor(database)
                .build();
        queue.start();
        IntStream.range(0, 4).forEach(queue::push); // fills the table: it drains at once, into the outage
        await().until(() -> refused.get() >= 1);
        IntStream.range(4, 8).forEach(queue::push); // the second table fills while the first one retries

        assertThatThrownBy(() -> queue.push(8))
                .isInstanceOf(BufferFullException.class)
                .hasMessageContaining("stayed full (capacity 4) for maxBlock");
        assertThat(queue.bufferSize()).isEqualTo(4);

        down.set(false);
        await().untilAsserted(() -> assertThat(stored.all()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7));
        queue.push(8);
        queue.close();
        assertThat(stored.all()).endsWith(8);
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void noThreadIsHeldWhileAChunkWaitsForItsRetry() {
        TidefallQueue<Integer> queue = queue(fastRetries()
                .withRetryBackoff(Duration.ofSeconds(30))
                .withRetryBackoffMax(Duration.ofSeconds(30)))
                .processor(database)
                .build();
        queue.push(1);
        assertThat(queue.flush().pending()).isEqualTo(1);
        await().untilAsserted(() -> assertThat(drains.getActiveCount()).isZero());
        assertThat(queue.stats(0).retrying()).isTrue();
        queue.close(Duration.ZERO);
    }

    @Test
    void aCloseDuringAnOutageHandsWhatItCouldNotDeliverToTheFailureHandlerWithinItsBudget() {
        TidefallQueue<Integer> queue = queue(fastRetries().withProcessingBatchSize(100)).processor(database).build();
        queue.start();
        IntStream.range(0, 50).forEach(queue::push);
        queue.flush(); // the first table now retries
        IntStream.range(50, 80).forEach(queue::push); // and these wait in the write table

        long start = System.nanoTime();
        queue.close(Duration.ofMillis(500));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofMillis(500 + 1_000 + 2_000)); // budget, grace, a loaded machine
        List<Integer> handedOver = new ArrayList<>();
        deadLetters.forEach(failed -> handedOver.addAll(failed.elements()));
        assertThat(handedOver).containsExactlyElementsOf(IntStream.range(0, 80).boxed().toList());
        assertThat(deadLetters).allSatisfy(failed -> assertThat(failed.cause()).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("close budget"));
        assertThat(refused.get()).as("it kept trying until the budget ran out").isGreaterThan(1);
        assertThat(stored.received).isEmpty();
    }

    @Test
    void aRetryThatWouldComePastTheCloseBudgetIsHandedOverWithTheBudgetAsItsCause() {
        TidefallQueue<Integer> queue = queue(fastRetries().withProcessingBatchSize(100)
                .withRetryBackoff(Duration.ofSeconds(2)).withRetryBackoffMax(Duration.ofSeconds(4)))
                .processor(database).build();
        queue.start();
        IntStream.range(0, 10).forEach(queue::push);

        queue.close(Duration.ofMillis(300)); // the first call fails at once; its retry would come well past the budget

        assertThat(deadLetters).hasSize(1);
        assertThat(deadLetters.get(0).elements()).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
        assertThat(deadLetters.get(0).cause()).isInstanceOf(TimeoutException.class).hasMessageContaining("close budget")
                .hasRootCauseInstanceOf(java.net.ConnectException.class);
        assertThat(refused.get()).isEqualTo(1);
    }

    @Test
    void aCloseThatOutlastsTheOutageDeliversEverything() {
        TidefallQueue<Integer> queue = queue(fastRetries()).processor(database).build();
        queue.start();
        IntStream.range(0, 10).forEach(queue::push);
        queue.flush();
        timers.schedule(() -> down.set(false), 200, TimeUnit.MILLISECONDS);

        queue.close(Duration.ofSeconds(20));

        assertThat(stored.all()).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
        assertThat(deadLetters).isEmpty();
    }
}

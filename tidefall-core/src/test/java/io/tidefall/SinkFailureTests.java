package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A permanent failure is narrowed down to the elements it fails on, and only an element that fails
 * while others of its chunk pass is poison. When every element fails alone, the sink failed (a
 * missing table, a revoked grant), not the data: the chunk is kept and retried, as a transient
 * failure, until its delivery deadline. Runs on a manual clock, drains on the clock's thread.
 */
class SinkFailureTests {

    private static final Duration PAUSE_LONGEST = Duration.ofMillis(1200); // a 1 s backoff, 20 % jitter either way

    private final ManualScheduler clock = new ManualScheduler();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Integer> delivered = new CopyOnWriteArrayList<>();
    private final List<Integer> failed = new CopyOnWriteArrayList<>();
    /** Batches holding an element it matches fail with a permanent failure, as a constraint violation would. */
    private volatile Predicate<Integer> refused = element -> false;
    private TidefallQueue<Integer> queue;

    private void start(BufferOptions options) {
        queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(options.withProcessingBatchSize(8).withRetryBackoff(Duration.ofSeconds(1))
                        .withRetryBackoffMax(Duration.ofSeconds(1)))
                .retryPolicy(RetryPolicy.nonRetryable(IllegalArgumentException.class))
                .scheduler(clock)
                .ticker(clock)
                .executor(Runnable::run)
                .failureHandler(batch -> failed.addAll(batch.elements()))
                .processor(batch -> {
                    calls.incrementAndGet();
                    if (batch.stream().anyMatch(refused)) {
                        throw new IllegalArgumentException("relation \"page_views\" does not exist");
                    }
                    delivered.addAll(batch);
                })
                .build();
        queue.start();
        IntStream.rangeClosed(1, 8).forEach(queue::push);
    }

    @AfterEach
    void close() {
        queue.close(Duration.ZERO);
    }

    @Test
    void whenEveryElementFailsAloneTheChunkIsKeptAndRetriedUntilTheSinkIsBack() {
        refused = element -> true; // the table is missing
        start(BufferOptions.defaults());

        clock.advance(Duration.ofSeconds(5)); // the tick: the chunk and every piece of it fail
        assertThat(calls).as("narrowed down to its 8 single elements").hasValue(15);
        assertThat(failed).as("a failure of every element is the sink's: nothing is discarded").isEmpty();
        assertThat(queue.stats(0).retryingSince()).as("shown as retrying").isNotNull();

        refused = element -> false; // the table is created
        clock.advance(PAUSE_LONGEST);

        assertThat(delivered).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(calls).as("offered again as one chunk").hasValue(16);
        assertThat(failed).isEmpty();
    }

    @Test
    void anElementThatFailsWhileOthersOfItsChunkPassIsPoison() {
        refused = element -> element == 3;
        start(BufferOptions.defaults());

        clock.advance(Duration.ofSeconds(5));

        assertThat(failed).containsExactly(3);
        assertThat(delivered).containsExactly(1, 2, 4, 5, 6, 7, 8);
    }

    @Test
    void aSuspectThatFailedBeforeAnythingPassedIsOfferedOnceMoreAloneAndIsPoisonWhenItFailsAgain() {
        refused = element -> element == 1; // the first single fails before any other element was tried
        start(BufferOptions.defaults());

        clock.advance(Duration.ofSeconds(5));
        assertThat(delivered).containsExactly(2, 3, 4, 5, 6, 7, 8);
        assertThat(failed).as("the sink may have come back after it failed: it gets one more try").isEmpty();
        clock.advance(PAUSE_LONGEST);

        assertThat(failed).containsExactly(1);
    }

    @Test
    void aSinkThatComesBackWhileAChunkIsNarrowedDownDiscardsNothing() {
        refused = element -> calls.get() <= 4; // the table is missing for the chunk, its halves down to [1], then back
        start(BufferOptions.defaults());

        clock.advance(Duration.ofSeconds(5));
        clock.advance(PAUSE_LONGEST);

        assertThat(failed).as("1 failed alone while the table was missing: not poison").isEmpty();
        assertThat(delivered).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void aSinkThatStaysAwayPastTheDeliveryTimeoutHandsTheChunkToTheFailureHandlerWhole() {
        refused = element -> true;
        // Each pause is at least 0.8 s and less than 1.2 s: with 2.4 s two retries are in time, a third never is.
        start(BufferOptions.defaults().withDeliveryTimeout(Duration.ofMillis(2400)));

        clock.advance(Duration.ofSeconds(5)); // narrowed: 15 calls, then kept
        assertThat(failed).isEmpty();
        clock.advance(PAUSE_LONGEST); // the first retry, at 5.8-6.2 s: narrowed again, and kept
        assertThat(failed).isEmpty();
        clock.advance(PAUSE_LONGEST); // the second, at 6.6-7.4 s; a third would come at 7.4 s or later: too late

        assertThat(calls).hasValue(45);
        assertThat(failed).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(delivered).isEmpty();
    }
}

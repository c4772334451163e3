package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Timing on the buffer's own clock: with a {@link ManualScheduler} as both scheduler and ticker,
 * and drains run on the thread that moves the clock, retry pauses and deadlines are decided at
 * the moments the test chooses, not by how fast the machine is.
 */
class ClockTests {

    private static final Duration PAUSE_LONGEST = Duration.ofMillis(1200); // a 1 s backoff, 20 % jitter either way

    private final ManualScheduler clock = new ManualScheduler();
    private final AtomicInteger calls = new AtomicInteger();
    private final List<Integer> failed = new CopyOnWriteArrayList<>();
    private final List<Integer> delivered = new CopyOnWriteArrayList<>();
    private volatile boolean databaseDown = true;
    private TidefallQueue<Integer> queue;

    private TidefallQueue<Integer> start(BufferOptions options) {
        queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(options.withRetryBackoff(Duration.ofSeconds(1)).withRetryBackoffMax(Duration.ofSeconds(1)))
                .scheduler(clock)
                .ticker(clock)
                .executor(Runnable::run) // drains run inside advance(), on this thread
                .failureHandler(batch -> failed.addAll(batch.elements()))
                .processor(batch -> {
                    calls.incrementAndGet();
                    if (databaseDown) {
                        throw new IllegalStateException("database down");
                    }
                    delivered.addAll(batch);
                })
                .build();
        queue.start();
        return queue;
    }

    @AfterEach
    void close() {
        if (queue != null) {
            queue.close(Duration.ZERO);
        }
    }

    @Test
    void aFailedChunkIsOfferedAgainOnlyOnceItsPauseHasPassedOnTheBuffersClock() {
        start(BufferOptions.defaults());
        queue.push(1);

        clock.advance(Duration.ofSeconds(5)); // the tick: the first call fails
        assertThat(calls).hasValue(1);
        clock.advance(Duration.ofMillis(799)); // the pause is at least 800 ms
        assertThat(calls).hasValue(1);
        databaseDown = false;
        clock.advance(PAUSE_LONGEST);
        assertThat(calls).hasValue(2);
        assertThat(delivered).containsExactly(1);
        assertThat(failed).isEmpty();
    }

    @Test
    void aRetryThatWouldEndPastTheDeliveryTimeoutOnTheBuffersClockFailsTheChunk() {
        // Each pause is at least 0.8 s and less than 1.2 s, so with 2.4 s the third offer is always
        // in time and a fourth never is.
        start(BufferOptions.defaults().withProcessingRetries(Integer.MAX_VALUE).withDeliveryTimeout(Duration.ofMillis(2400)));
        queue.push(1);

        clock.advance(Duration.ofSeconds(5)); // call 1 at 5 s
        clock.advance(PAUSE_LONGEST); // call 2 at 5.8-6.2 s; call 3 due before 7.4 s: in time
        assertThat(calls).hasValue(2);
        assertThat(failed).as("still within the delivery timeout").isEmpty();
        clock.advance(PAUSE_LONGEST); // call 3 at 6.6-7.4 s; a fourth would come at 7.4 s or later: too late
        assertThat(calls).hasValue(3);
        assertThat(failed).containsExactly(1);
    }

    @Test
    void aLiveChangeOfTheDeliveryTimeoutReachesAChunkThatIsAlreadyRetrying() {
        start(BufferOptions.defaults().withProcessingRetries(Integer.MAX_VALUE).withDeliveryTimeout(Duration.ofHours(1)));
        queue.push(1);
        clock.advance(Duration.ofSeconds(5)); // call 1 fails at 5 s
        clock.advance(PAUSE_LONGEST); // call 2 fails at 5.8-6.2 s; call 3 comes at 6.6-7.4 s
        assertThat(calls).hasValue(2);

        queue.updateOptions(options -> options.withDeliveryTimeout(Duration.ofSeconds(2)));
        clock.advance(PAUSE_LONGEST); // call 3 fails at 6.6-7.4 s; a fourth would come at 7.4 s or later: past 5 s + 2 s

        assertThat(calls).hasValue(3);
        assertThat(failed).as("the chunk in flight is judged by the delivery timeout in force now").containsExactly(1);
    }

    @Test
    void aLiveChangeOfTheRetryCountReachesAChunkThatIsAlreadyRetrying() {
        start(BufferOptions.defaults().withProcessingRetries(Integer.MAX_VALUE));
        queue.push(1);
        clock.advance(Duration.ofSeconds(5)); // call 1 fails: attempt 1 of unlimited

        queue.updateOptions(options -> options.withProcessingRetries(1));
        clock.advance(PAUSE_LONGEST); // call 2 fails: attempt 2, past the one retry now allowed

        assertThat(calls).hasValue(2);
        assertThat(failed).containsExactly(1);
    }
}

package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A close hands a drain over while a chunk whose call has returned is still being settled: the
 * hand-over does not see that chunk (it is no longer in the call, not yet put back), so its
 * settlement must hand it to the failure handler itself rather than queue a retry on a drain that
 * has finished, where it would be lost.
 */
class HandOverRaceTests {

    @Test
    void aChunkBeingSettledWhenACloseHandsTheDrainOverReachesTheFailureHandler() throws Exception {
        CountDownLatch inPolicy = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        List<Integer> failed = new CopyOnWriteArrayList<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .retryPolicy(failure -> {
                    inPolicy.countDown();
                    try {
                        closed.await(10, TimeUnit.SECONDS); // settling, until the close has handed the drain over
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return true; // transient: without the fix, a retry queued on a finished drain
                })
                .failureHandler(batch -> failed.addAll(batch.elements()))
                .processor(batch -> {
                    throw new IllegalStateException("database down");
                })
                .build();
        queue.start();
        queue.push(1);
        Thread flusher = new Thread(queue::flush);
        flusher.start();
        assertThat(inPolicy.await(10, TimeUnit.SECONDS)).isTrue();

        // The drain is handed over at 4/5 of the budget, and close() returns then, well before the deadline: a
        // retry decided now (100 ms backoff) would still end before it, and so be queued on the finished drain.
        queue.close(Duration.ofSeconds(2));
        closed.countDown();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(failed).containsExactly(1));
        flusher.join(10_000);
    }
}

package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dead-lettering lost elements, and retrying before giving up on them. */
@Timeout(30)
class FailureHandlerTest {

    private final ManualScheduler clock = new ManualScheduler();
    private final List<FailedBatch<Integer>> deadLetters = new CopyOnWriteArrayList<>();
    private final Batches<Integer> processed = new Batches<>();
    private final RecordingListener listener = new RecordingListener();

    private TidefallQueue.Builder<Integer> queue(BufferOptions options) {
        return TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(options)
                .scheduler(clock)
                .executor(Runnable::run)
                .listener(listener)
                .failureHandler(deadLetters::add);
    }

    @Test
    void theHandlerReceivesExactlyTheElementsOfTheFailedChunkWithTheProcessorsException() {
        IllegalStateException databaseDown = new IllegalStateException("database down");
        TidefallQueue<Integer> queue = queue(BufferOptions.defaults().withProcessingBatchSize(3).withProcessingRetries(0))
                .processor(batch -> {
                    if (batch.contains(4)) {
                        throw databaseDown;
                    }
                    processed.process(batch);
                })
                .build();
        IntStream.range(0, 8).forEach(queue::push);

        queue.flush(); // returns after the handler ran

        assertThat(deadLetters).containsExactly(new FailedBatch<>("events", 0, List.of(3, 4, 5), databaseDown));
        assertThat(processed.all()).containsExactly(0, 1, 2, 6, 7);
        queue.close();
    }

    @Test
    void retriesOfferTheSameChunkAgainBeforeGivingUp() {
        AtomicInteger attempts = new AtomicInteger();
        TidefallQueue<Integer> queue = queue(BufferOptions.defaults()
                .withProcessingRetries(2)
                .withRetryBackoff(Duration.ZERO))
                .processor(batch -> {
                    if (attempts.incrementAndGet() < 3) {
                        throw new IllegalStateException("flaky, attempt " + attempts.get());
                    }
                    processed.process(batch);
                })
                .build();
        queue.pushAll(List.of(1, 2));
        queue.flush();

        assertThat(attempts).hasValue(3);
        assertThat(processed.received).containsExactly(List.of(1, 2));
        assertThat(deadLetters).isEmpty();
        assertThat(listener.drainEvents()).containsExactly("drain 0 size 2", "completed 0 size 2 failed 0");
        queue.close();
    }

    @Test
    void afterTheLastRetryTheChunkGoesToTheHandlerWithTheLastFailure() {
        AtomicInteger attempts = new AtomicInteger();
        TidefallQueue<Integer> queue = queue(BufferOptions.defaults()
                .withProcessingRetries(1)
                .withRetryBackoff(Duration.ofMillis(1)))
                .processor(batch -> {
                    throw new IllegalStateException("attempt " + attempts.incrementAndGet());
                })
                .build();
        queue.push(1);
        queue.flush(); // returns when the chunk waits for its retry
        await().untilAsserted(() -> {
            clock.advance(Duration.ofMillis(1)); // the retry's timer
            assertThat(deadLetters).isNotEmpty();
        });

        assertThat(attempts).hasValue(2);
        assertThat(deadLetters).singleElement().satisfies(failed -> {
            assertThat(failed.elements()).containsExactly(1);
            assertThat(failed.cause()).hasMessage("attempt 2");
        });
        queue.close();
    }

    @Test
    void aCallInterruptedAtItsTimeoutThatThenFailsGoesToTheHandlerAndTheRestIsStillDelivered() {
        CountDownLatch never = new CountDownLatch(1);
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingBatchSize(2).withProcessingRetries(0)
                        .withProcessingTimeout(Duration.ofMillis(200)))
                .failureHandler(deadLetters::add)
                .processor(batch -> {
                    if (batch.contains(2)) {
                        never.await(); // throws when the timeout interrupts it
                    }
                    processed.process(batch);
                })
                .build();
        IntStream.range(0, 6).forEach(queue::push);

        FlushResult result = queue.flush();

        assertThat(result).isEqualTo(new FlushResult(4, 2, 0));
        assertThat(processed.all()).containsExactly(0, 1, 4, 5);
        assertThat(deadLetters).singleElement().satisfies(failed -> {
            assertThat(failed.elements()).containsExactly(2, 3);
            assertThat(failed.cause()).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("processingTimeout PT0.2S").hasCauseInstanceOf(InterruptedException.class);
        });
        queue.close();
    }

    @Test
    void aCallThatReturnsNormallyAfterItsTimeoutIsDeliveredAndNothingElseRunsMeanwhile() throws Exception {
        CountDownLatch finishLate = new CountDownLatch(1);
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingBatchSize(2).withProcessingTimeout(Duration.ofMillis(100)))
                .failureHandler(deadLetters::add)
                .processor(batch -> {
                    if (batch.contains(0)) {
                        Deaf.await(finishLate); // finishes anyway, late
                    }
                    processed.process(batch);
                })
                .build();
        IntStream.range(0, 4).forEach(queue::push);

        FlushResult stuck = queue.flush();
        assertThat(stuck).as("flush returns at the timeout, with the table still pending").isEqualTo(new FlushResult(0, 0, 4));
        assertThat(queue.stats(0).stuck()).isTrue();
        assertThat(processed.received).as("no second call while the first one runs").isEmpty();
        finishLate.countDown();

        await().untilAsserted(() -> assertThat(queue.stats(0).drained()).isEqualTo(4));
        assertThat(processed.received).containsExactly(List.of(0, 1), List.of(2, 3));
        assertThat(deadLetters).as("each element has exactly one fate").isEmpty();
        assertThat(queue.stats(0).stuck()).isFalse();
        queue.close();
    }

    @Test
    void aThrowingHandlerIsReportedAndTheBufferCarriesOn() {
        List<Throwable> handlerFailures = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingRetries(0))
                .scheduler(clock)
                .executor(Runnable::run)
                .listener(new BufferListener() {
                    @Override
                    public void failureHandlerFailed(String buffer, int partition, int size, Throwable cause) {
                        handlerFailures.add(cause);
                    }
                })
                .failureHandler(failed -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("dead-letter queue down too");
                })
                .processor(batch -> {
                    if (batch.contains(1)) {
                        throw new IllegalStateException("processor down");
                    }
                    processed.process(batch);
                })
                .build();
        queue.start();
        queue.push(1);
        clock.advance(Duration.ofSeconds(5));
        queue.push(2);
        clock.advance(Duration.ofSeconds(5));

        assertThat(calls).as("never retried").hasValue(1);
        assertThat(handlerFailures).singleElement().satisfies(e -> assertThat(e).hasMessage("dead-letter queue down too"));
        assertThat(processed.all()).containsExactly(2);
        queue.close();
    }

    @Test
    void theTimeoutOfACallThatHasEndedDoesNotInterruptTheFailureHandler() throws Exception {
        // A scheduler that does not cancel (or cancels too late): the watchdog of the failed call fires
        // while the runner is in the failure handler for that call's chunk. An interrupt there would fail
        // the handler (a file channel closes on interrupt), and lose the chunk.
        Scheduler ignoresCancel = (delay, task) -> {
            clock.schedule(delay, task);
            return () -> { };
        };
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean handlerInterrupted = new AtomicBoolean();
        ExecutorService drains = Executors.newCachedThreadPool();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofSeconds(1)).withProcessingRetries(0))
                .scheduler(ignoresCancel)
                .executor(drains)
                .processor(batch -> {
                    throw new IllegalStateException("database down");
                })
                .failureHandler(failed -> {
                    inHandler.countDown();
                    try {
                        if (!release.await(20, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the test never released the handler");
                        }
                    } catch (InterruptedException e) {
                        handlerInterrupted.set(true);
                        throw new IllegalStateException("the failure handler was interrupted", e);
                    }
                    deadLetters.add(failed);
                })
                .build();
        queue.start();
        queue.push(1);
        clock.advance(Duration.ofSeconds(5)); // the tick: the call fails at once, the handler is called
        assertThat(inHandler.await(10, TimeUnit.SECONDS)).as("the failure handler was called").isTrue();

        clock.advance(Duration.ofSeconds(2)); // past the ended call's timeout: its watchdog fires now, on this thread
        release.countDown();

        await().until(() -> handlerInterrupted.get() || !deadLetters.isEmpty());
        assertThat(handlerInterrupted).as("the failure handler was interrupted").isFalse();
        assertThat(deadLetters).extracting(FailedBatch::elements).containsExactly(List.of(1));
        queue.close();
        drains.shutdownNow();
    }
}

package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** start, flush, close, option updates. */
@Timeout(30)
class LifecycleTests {

    private final ManualScheduler clock = new ManualScheduler();
    private final Batches<Integer> batches = new Batches<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private TidefallQueue.Builder<Integer> queue() {
        return TidefallQueue.<Integer>builder("events").processor(batches).partitions(2).scheduler(clock);
    }

    @Test
    void writesBeforeStartAreKeptAndDrainedAfter() {
        TidefallQueue<Integer> queue = queue().executor(Runnable::run).build();
        IntStream.range(0, 5).forEach(queue::push);
        clock.advance(Duration.ofMinutes(1));
        assertThat(queue.isRunning()).isFalse();
        assertThat(batches.received).isEmpty();

        queue.start();
        assertThat(queue.isRunning()).isTrue();
        clock.advance(Duration.ofSeconds(5));
        assertThat(batches.all()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        queue.close();
    }

    @Test
    void startTwiceIsHarmless() {
        TidefallQueue<Integer> queue = queue().executor(Runnable::run).build();
        queue.start();
        queue.start();
        assertThat(clock.pendingDelays()).as("one tick per partition").hasSize(2);
        queue.close();
    }

    @Test
    void closeDrainsWhatIsLeftAndThenRefusesWritesNamingTheBuffer() {
        TidefallQueue<Integer> queue = queue().executor(Runnable::run).build();
        queue.start();
        IntStream.range(0, 7).forEach(queue::push);

        queue.close();

        assertThat(batches.all()).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
        assertThat(queue.isRunning()).isFalse();
        assertThat(queue.bufferSize()).isZero();
        assertThatThrownBy(() -> queue.push(8))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'events'").hasMessageContaining("closed");
        assertThatThrownBy(() -> queue.pushAll(List.of(9)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'events'");
        assertThatThrownBy(queue::start)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'events'");
        assertThat(clock.pendingDelays()).as("timers stopped").isEmpty();
    }

    @Test
    void closeIsIdempotent() {
        TidefallQueue<Integer> queue = queue().executor(Runnable::run).build();
        RecordingListener listener = new RecordingListener();
        queue.addListener(listener);
        queue.push(1);
        queue.close();
        queue.close();
        assertThat(batches.all()).containsExactly(1);
        assertThat(listener.events).filteredOn(e -> e.startsWith("stopped")).hasSize(2);
    }

    @Test
    void closeDoesNotNeedTheExecutorForItsFinalDrain() {
        Executor refusing = task -> {
            throw new RejectedExecutionException("shutting down");
        };
        TidefallQueue<Integer> queue = queue().executor(refusing).build();
        queue.start();
        IntStream.range(0, 100).forEach(queue::push);

        queue.close();

        assertThat(batches.all()).hasSize(100);
    }

    @Test
    void aDrainThatTheExecutorNeverStartsIsRunByTheWaiter() {
        List<Runnable> swallowed = new java.util.concurrent.CopyOnWriteArrayList<>();
        TidefallQueue<Integer> queue = queue().executor(swallowed::add).build(); // accepts, never runs
        queue.start();
        IntStream.range(0, 10).forEach(queue::push);
        clock.advance(Duration.ofSeconds(5));
        assertThat(swallowed).isNotEmpty();

        queue.flush();
        assertThat(batches.all()).hasSize(10);
        swallowed.forEach(Runnable::run); // running it late must not deliver twice
        assertThat(batches.all()).hasSize(10);
        queue.close();
    }

    private final CountDownLatch release = new CountDownLatch(1);

    /** Item 1 is in a drain whose processor waits for {@code release}; item 2 is in the write table. */
    private TidefallQueue<Integer> queueWithItemOneInASlowDrainAndItemTwoWaiting() throws InterruptedException {
        CountDownLatch inProcessor = new CountDownLatch(1);
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .scheduler(clock)
                .executor(threads)
                .processor(batch -> {
                    if (batch.contains(1)) {
                        inProcessor.countDown();
                        release.await();
                    }
                    batches.process(batch);
                })
                .build();
        queue.start();
        queue.push(1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(inProcessor.await(5, TimeUnit.SECONDS)).isTrue();
        queue.push(2);
        return queue;
    }

    @Test
    void closeWaitsForTheDrainInFlightThenDrainsTheRest() throws Exception {
        TidefallQueue<Integer> queue = queueWithItemOneInASlowDrainAndItemTwoWaiting();

        CallOnOwnThread closing = CallOnOwnThread.start("closer", queue::close);
        await().untilAsserted(() -> assertThatThrownBy(() -> queue.push(3)).isInstanceOf(IllegalStateException.class));
        closing.awaitWaitingIn(PartitionedBuffer.class, "close"); // waiting for its partition to finish closing

        clock.advance(Duration.ofSeconds(5)); // a closed buffer's timers are off: nothing may drain item 2 ahead of item 1
        closing.awaitWaitingIn(PartitionedBuffer.class, "close");
        assertThat(closing.isDone()).isFalse();
        assertThat(batches.all()).as("item 2 waits for the drain of item 1").isEmpty();

        release.countDown();
        closing.join();
        assertThat(batches.all()).containsExactly(1, 2);
    }

    @Test
    void flushWaitsForTheDrainInFlightFirstThenDrainsEverything() throws Exception {
        TidefallQueue<Integer> queue = queueWithItemOneInASlowDrainAndItemTwoWaiting();

        AtomicReference<FlushResult> flushed = new AtomicReference<>();
        CallOnOwnThread flushing = CallOnOwnThread.start("flusher", () -> flushed.set(queue.flush()));
        flushing.awaitWaitingIn(DrainState.class, "awaitProgress");

        clock.advance(Duration.ofSeconds(5)); // a tick while the drain is in flight is skipped: item 2 stays in the write table
        assertThat(queue.bufferSize()).isEqualTo(1);
        flushing.awaitWaitingIn(DrainState.class, "awaitProgress");
        assertThat(flushing.isDone()).isFalse();
        assertThat(queue.stats(0).draining()).isTrue();

        release.countDown();
        flushing.join();
        assertThat(flushed.get()).isEqualTo(new FlushResult(2, 0, 0));
        assertThat(batches.all()).containsExactly(1, 2);
        assertThat(queue.bufferSize()).isZero();
        assertThat(queue.stats(0).draining()).isFalse();
        queue.close();
    }

    /**
     * The window between a drain's end and the partition letting it go: listeners hear
     * {@code drainCompleted} in it. A flush that waited for that drain must still drain what was
     * written before it began.
     */
    @Test
    void flushDrainsTheWriteTableEvenWhenTheDrainItWaitedForIsStillLeaving() throws Exception {
        CountDownLatch inProcessor = new CountDownLatch(1);
        AtomicReference<CallOnOwnThread> flushing = new AtomicReference<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .scheduler(clock)
                .executor(threads)
                .listener(new BufferListener() {
                    @Override
                    public void drainCompleted(String buffer, int partition, int size, int failed, boolean timedOut,
                            Duration took) {
                        // Hold the drain in its last step until the flush returns (or for a while, if the flush rightly waits).
                        await().pollInSameThread().atMost(Duration.ofSeconds(20))
                                .until(() -> flushing.get().isDone() || waited(Duration.ofSeconds(1)));
                    }
                })
                .processor(batch -> {
                    if (batch.contains(1)) {
                        inProcessor.countDown();
                        release.await();
                    }
                    batches.process(batch);
                })
                .build();
        queue.start();
        queue.push(1);
        clock.advance(Duration.ofSeconds(5));
        assertThat(inProcessor.await(5, TimeUnit.SECONDS)).isTrue();
        queue.push(2);

        AtomicReference<FlushResult> flushed = new AtomicReference<>();
        flushing.set(CallOnOwnThread.start("flusher", () -> flushed.set(queue.flush())));
        flushing.get().awaitWaitingIn(DrainState.class, "awaitProgress");
        release.countDown();
        flushing.get().join();

        assertThat(batches.all()).as("delivered when flush() returned").containsExactly(1, 2);
        assertThat(flushed.get()).isEqualTo(new FlushResult(2, 0, 0));
        queue.close();
    }

    private long holdStartedNanos;

    /** Whether {@code duration} has passed since the first call. */
    private synchronized boolean waited(Duration duration) {
        if (holdStartedNanos == 0) {
            holdStartedNanos = System.nanoTime();
        }
        return System.nanoTime() - holdStartedNanos >= duration.toNanos();
    }

    @Test
    void tickIsSkippedWhileADrainIsInFlightAndReArmed() throws Exception {
        RecordingListener listener = new RecordingListener();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .scheduler(clock)
                .executor(threads)
                .listener(listener)
                .processor(batch -> release.await())
                .build();
        queue.start();
        queue.push(1);
        clock.advance(Duration.ofSeconds(5));
        await().until(() -> queue.stats(0).draining());
        queue.push(2);

        clock.advance(Duration.ofSeconds(5)); // drain of [1] still in flight: skipped
        assertThat(queue.bufferSize()).isEqualTo(1);
        assertThat(clock.pendingDelays()).contains(Duration.ofSeconds(5));

        release.countDown();
        await().until(() -> !queue.stats(0).draining());
        clock.advance(Duration.ofSeconds(5));
        await().until(() -> queue.stats(0).drains() == 2);
        assertThat(listener.drainEvents()).containsExactly(
                "drain 0 size 1", "completed 0 size 1 failed 0", "drain 0 size 1", "completed 0 size 1 failed 0");
        queue.close();
    }

    @Test
    void updateOptionsIsPartialAndReArmsTheTimersAtOnce() {
        TidefallQueue<Integer> queue = queue().partitions(1).executor(Runnable::run).build();
        queue.start();
        queue.push(1);

        queue.updateOptions(o -> o.withProcessingInterval(Duration.ofMillis(100)));

        assertThat(queue.options().processingInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(queue.options().processingTimeout()).as("untouched").isEqualTo(Duration.ofSeconds(60));
        assertThat(clock.pendingDelays()).containsExactly(Duration.ofMillis(100));
        clock.advance(Duration.ofMillis(100));
        assertThat(batches.all()).containsExactly(1);

        queue.updateOptions(o -> o.withDrainThreshold(10).withDrainCheckInterval(Duration.ofMillis(7)));
        assertThat(clock.pendingDelays()).containsExactlyInAnyOrder(Duration.ofMillis(100), Duration.ofMillis(7));

        queue.updateOptions(o -> o.withProcessingBatchSize(3));
        assertThat(clock.pendingDelays()).as("unrelated change keeps the timers")
                .containsExactlyInAnyOrder(Duration.ofMillis(100), Duration.ofMillis(7));
        queue.close();
    }

    @Test
    void anInvalidUpdateChangesNothing() {
        TidefallQueue<Integer> queue = queue().executor(Runnable::run).build();
        BufferOptions before = queue.options();

        assertThatThrownBy(() -> queue.updateOptions(o -> o.withProcessingBatchSize(50).withProcessingTimeout(Duration.ZERO)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("processingTimeout");
        assertThatThrownBy(() -> queue.updateOptions(o -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'events'");

        assertThat(queue.options()).isSameAs(before);
        queue.close();
    }

    @Test
    void concurrentUpdatesDoNotLoseEachOther() throws Exception {
        TidefallQueue<Integer> queue = queue().executor(Runnable::run).build();
        CountDownLatch go = new CountDownLatch(1);
        Future<?> a = threads.submit(() -> {
            go.await();
            for (int i = 1; i <= 500; i++) {
                int n = i;
                queue.updateOptions(o -> o.withProcessingBatchSize(n));
            }
            return null;
        });
        Future<?> b = threads.submit(() -> {
            go.await();
            for (int i = 1; i <= 500; i++) {
                long n = i;
                queue.updateOptions(o -> o.withDrainThreshold(n));
            }
            return null;
        });
        go.countDown();
        a.get(10, TimeUnit.SECONDS);
        b.get(10, TimeUnit.SECONDS);

        assertThat(queue.options().processingBatchSize()).isEqualTo(BatchSize.of(500));
        assertThat(queue.options().drainThreshold()).isEqualTo(500L);
        queue.close();
    }
}

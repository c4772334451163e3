package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A processor can fail, hang or misbehave; the buffer carries on. */
@Timeout(30)
class FailureIsolationTests {

    private final ManualScheduler clock = new ManualScheduler();
    private final RecordingListener listener = new RecordingListener();

    @Test
    void aThrowingChunkLosesOnlyItselfAndTheRestOfTheTableIsProcessed() {
        Batches<Integer> processed = new Batches<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingBatchSize(3).withProcessingRetries(0))
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
    void aCallPastItsTimeoutIsInterruptedAndItsFailureReportedAndTheRestDelivered() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        List<List<Integer>> processed = new CopyOnWriteArrayList<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults()
                        .withProcessingBatchSize(2)
                        .withProcessingRetries(0)
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
        await().untilAsserted(() -> assertThat(listener.drainEvents()).containsExactly(
                "drain 0 size 6", "failed 0 size 2 TIMEOUT", "completed 0 size 6 failed 2 timed out"));
        assertThat(processed).containsExactly(List.of(0, 1), List.of(4, 5));
        assertThat(listener.causes).singleElement().satisfies(c -> assertThat(c).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("'events'").hasMessageContaining("processingTimeout PT0.3S"));
        assertThat(queue.stats(0).failed()).isEqualTo(2);

        queue.push(100);
        await().untilAsserted(() -> assertThat(processed).contains(List.of(100)));
        queue.close();
    }

    @Test
    void aProcessorStuckPastItsTimeoutHoldsOneTableAndNoSecondCallStarts() throws Exception {
        CountDownLatch unstick = new CountDownLatch(1);
        ExecutorService threads = Executors.newCachedThreadPool();
        Batches<Integer> processed = new Batches<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                // Long enough that the second, quick call never overruns it on a loaded machine (at 1 ms
                // a time slice did, and its completion was reported timed out); the first waits it out.
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofMillis(250)))
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
            assertThat(queue.stats(0).stuck()).isTrue();
        });

        queue.push(2);
        clock.advance(Duration.ofSeconds(15));
        assertThat(queue.bufferSize()).as("no new drain while the timed-out call still runs").isEqualTo(1);
        assertThat(queue.stats(0).draining()).isTrue();
        assertThat(queue.flush()).as("flush cannot move a stuck partition").isEqualTo(new FlushResult(0, 0, 1));
        assertThat(queue.bufferSize()).as("nor does it start a second drain").isEqualTo(1);
        assertThat(listener.drainEvents()).containsExactly("drain 0 size 1");

        unstick.countDown();
        await().untilAsserted(() -> {
            clock.advance(Duration.ofSeconds(5));
            assertThat(processed.all()).contains(2);
        });
        assertThat(listener.drainEvents()).containsExactly("drain 0 size 1", "completed 0 size 1 failed 0 timed out",
                "drain 0 size 1", "completed 0 size 1 failed 0");
        assertThat(queue.stats(0).stuck()).isFalse();
        queue.close();
        threads.shutdownNow();
    }

    @Test
    void anOverwriteWhoseKeysEqualsHangsPastTheTimeoutNeitherHoldsTheDrainNorFailsAndIsDeliveredAfter() throws Exception {
        List<String> delivered = new CopyOnWriteArrayList<>();
        TidefallHashMap<HeldKey, String> map = TidefallHashMap.<HeldKey, String>builder("presence")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofMillis(100)))
                .processor(entries -> entries.forEach(entry -> delivered.add(entry.value())))
                .build();
        map.start();
        map.put(HeldKey.plain(), "before");
        HeldKey held = HeldKey.held();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> late = writer.submit(() -> map.put(held, "late"));
            held.awaitWriterHeld();

            assertThat(map.flush()).as("the drain goes ahead while the overwrite is held").isEqualTo(new FlushResult(1, 0, 0));
            assertThat(delivered).containsExactly("before");

            held.release();
            late.get(10, TimeUnit.SECONDS); // returns normally: refused by the drained table, written into the fresh one
            assertThat(map.flush()).isEqualTo(new FlushResult(1, 0, 0));
            assertThat(delivered).containsExactly("before", "late");
        } finally {
            writer.shutdownNow();
            map.close();
        }
    }

    @Test
    void aCallTheWatchdogInterruptsFailsAsATimeoutHoweverLittleTimeItsOwnClockSaw() throws Exception {
        // The watchdog is armed a moment before the call's own clock starts, so it can fire (here at
        // once, on the manual clock) before the call has run its full timeout by that clock. Its
        // interrupt still means "timed out": the reason must not depend on the gap between the two.
        CountDownLatch calling = new CountDownLatch(1);
        ExecutorService threads = Executors.newCachedThreadPool();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofSeconds(30)).withProcessingRetries(0))
                .scheduler(clock)
                .executor(threads)
                .listener(listener)
                .processor(batch -> {
                    calling.countDown();
                    new CountDownLatch(1).await(); // until interrupted
                })
                .build();
        try {
            queue.start();
            queue.push(1);
            clock.advance(Duration.ofSeconds(5)); // the tick: the drain runs on `threads`
            assertThat(calling.await(10, TimeUnit.SECONDS)).isTrue();
            clock.advance(Duration.ofSeconds(30)); // the watchdog: interrupts the call, long before 30 s have passed

            await().untilAsserted(() -> assertThat(listener.drainEvents())
                    .containsExactly("drain 0 size 1", "failed 0 size 1 TIMEOUT", "completed 0 size 1 failed 1 timed out"));
        } finally {
            queue.close();
            threads.shutdownNow();
        }
    }

    @Test
    void flushReturnsAtTheTimeoutAndCloseWithinItsBudgetForAProcessorThatIgnoresInterrupts() {
        CountDownLatch never = new CountDownLatch(1);
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofMillis(200)))
                .listener(listener)
                .processor(batch -> Deaf.await(never))
                .build();
        queue.start();
        queue.push(1);
        assertThat(queue.flush()).isEqualTo(new FlushResult(0, 0, 1)); // returns at the timeout
        assertThat(listener.drainEvents()).containsExactly("drain 0 size 1");

        queue.push(2);
        queue.close(Duration.ofMillis(500)); // returns, although the call never will
        assertThat(listener.drainEvents()).as("both tables go to the failure handler, the second one never offered")
                .containsExactly("drain 0 size 1", "failed 0 size 1 SHUTDOWN", "completed 0 size 1 failed 1",
                        "drain 0 size 1", "failed 0 size 1 SHUTDOWN", "completed 0 size 1 failed 1");
        never.countDown();
    }

    @Test
    void aThrowableInATickDoesNotStopTheTimer() {
        // What escapes a tick goes to the scheduler, which keeps it (as a ScheduledExecutorService keeps
        // it in the task's future) and runs nothing of that task again: only the tick itself re-arms.
        List<Throwable> escaped = new CopyOnWriteArrayList<>();
        Scheduler keepsWhatEscapes = (delay, task) -> clock.schedule(delay, () -> {
            try {
                task.run();
            } catch (Throwable failure) {
                escaped.add(failure);
            }
        });
        AtomicBoolean outOfThreads = new AtomicBoolean(true);
        ThreadFactory threadFactory = task -> {
            if (outOfThreads.getAndSet(false)) {
                throw new OutOfMemoryError("unable to create native thread: possibly out of memory or process/resource limits reached");
            }
            Thread thread = new Thread(task);
            thread.setDaemon(true);
            return thread;
        };
        Batches<Integer> processed = new Batches<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofMillis(50)))
                .scheduler(keepsWhatEscapes)
                .executor(task -> {
                    throw new RejectedExecutionException("saturated"); // the engine then starts a thread of its own
                })
                .threadFactory(threadFactory)
                .processor(processed)
                .build();
        queue.start();
        queue.push(1);

        clock.advance(Duration.ofSeconds(5)); // the tick's drain is refused, and the thread for it cannot be made
        assertThat(escaped).as("the tick threw").singleElement().isInstanceOf(OutOfMemoryError.class);

        await().untilAsserted(() -> {
            clock.advance(Duration.ofSeconds(5)); // later ticks start the stranded drain on a thread of its own
            assertThat(processed.all()).containsExactly(1);
        });
        queue.push(2);
        await().untilAsserted(() -> {
            clock.advance(Duration.ofSeconds(5));
            assertThat(processed.all()).as("the timer still drains").containsExactly(1, 2);
        });
        queue.close();
    }

    @Test
    void aSchedulerThatRefusesATickOnceDoesNotStopTheTicks() {
        Duration interval = Duration.ofMillis(50);
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        java.util.concurrent.atomic.AtomicInteger tickArmings = new java.util.concurrent.atomic.AtomicInteger();
        Scheduler hiccups = (delay, task) -> {
            if (delay.equals(interval) && tickArmings.incrementAndGet() == 2) { // start() arms the first tick; the first tick re-arms
                throw new IllegalStateException("scheduler hiccup");
            }
            return Scheduler.of(timers).schedule(delay, task);
        };
        Batches<Integer> processed = new Batches<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingInterval(interval))
                .scheduler(hiccups)
                .executor(Runnable::run)
                .processor(processed)
                .build();
        try {
            queue.start();
            queue.push(1);
            await().untilAsserted(() -> assertThat(processed.all()).containsExactly(1));
            await().until(() -> tickArmings.get() >= 2); // the refused re-arm has happened

            queue.push(2); // no flush, no capacity: only a tick can drain it
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(processed.all())
                    .as("ticks go on after one refused re-arm").containsExactly(1, 2));
        } finally {
            queue.close();
            timers.shutdownNow();
        }
    }

    @Test
    void aListenerThatThrowsAnErrorWhenADrainCompletesDoesNotStopThePartition() {
        Batches<Integer> processed = new Batches<>();
        AtomicBoolean first = new AtomicBoolean(true);
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .executor(Runnable::run)
                .scheduler(clock)
                .listener(new BufferListener() {
                    @Override
                    public void drainCompleted(String buffer, int partition, int size, int failed, boolean timedOut,
                            Duration duration) {
                        if (first.getAndSet(false)) {
                            throw new AssertionError("listener bug"); // an Error, as OutOfMemoryError and StackOverflowError are
                        }
                    }
                })
                .processor(processed)
                .build();
        queue.start();
        queue.push(1);
        clock.advance(Duration.ofSeconds(5));
        queue.push(2);
        clock.advance(Duration.ofSeconds(5));

        assertThat(processed.all()).as("the next tick drained the partition").containsExactly(1, 2);
        assertThat(queue.stats(0).draining()).isFalse();
        queue.close();
    }

    @Test
    void aThrowingOrderingSendsTheWholeTableToTheFailureHandlerAndThePartitionCarriesOn() {
        IllegalArgumentException comparatorBug = new IllegalArgumentException("Comparison method violates its general contract!");
        AtomicBoolean throwing = new AtomicBoolean(true);
        List<FailedBatch<Integer>> deadLetters = new CopyOnWriteArrayList<>();
        Batches<Integer> processed = new Batches<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofMillis(200)))
                .scheduler(clock)
                .ordering(Comparator.comparingInt((Integer e) -> {
                    if (throwing.get()) {
                        throw comparatorBug;
                    }
                    return -e;
                }))
                .failureHandler(deadLetters::add)
                .processor(processed)
                .build();
        queue.start();
        IntStream.range(0, 5).forEach(queue::push);

        assertThat(queue.flush()).as("the table went to the failure handler, none of it pending").isEqualTo(new FlushResult(0, 5, 0));
        assertThat(deadLetters).singleElement().satisfies(failed -> {
            assertThat(failed.elements()).containsExactly(0, 1, 2, 3, 4);
            assertThat(failed.cause()).isSameAs(comparatorBug);
        });

        throwing.set(false);
        IntStream.range(5, 8).forEach(queue::push);
        assertThat(queue.flush()).isEqualTo(new FlushResult(3, 0, 0));
        assertThat(processed.all()).as("the partition carries on, sorted").containsExactly(7, 6, 5);
        queue.close();
    }

    @Test
    void aDrainAFullWriterAskedForStartsAfterTheEventsOfTheOneBefore() throws Exception {
        CountDownLatch inFirstCall = new CountDownLatch(1);
        CountDownLatch releaseFirstCall = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        Batches<Integer> processed = new Batches<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withCapacity(3))
                .executor(Runnable::run) // a drain runs on the thread that asked for it: the order is the engine's alone
                .scheduler(clock)
                .listener(listener)
                .processor(batch -> {
                    if (first.getAndSet(false)) {
                        inFirstCall.countDown();
                        releaseFirstCall.await();
                    }
                    processed.process(batch);
                })
                .build();
        queue.start();
        // The write that fills the first table drains it on its own thread, and waits there in the processor.
        CallOnOwnThread filler = CallOnOwnThread.start("writer", () -> IntStream.range(0, 3).forEach(queue::push));
        assertThat(inFirstCall.await(10, TimeUnit.SECONDS)).isTrue();
        IntStream.range(3, 6).forEach(queue::push); // fills the second table: its drain must wait for the first
        assertThat(listener.drainEvents()).containsExactly("drain 0 size 3");

        releaseFirstCall.countDown();
        filler.join();

        assertThat(processed.all()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(listener.drainEvents()).as("one drain's events, then the next one's").containsExactly(
                "drain 0 size 3", "completed 0 size 3 failed 0",
                "drain 0 size 3", "completed 0 size 3 failed 0");
        queue.close();
    }

    @Test
    void aTableWhoseSortOutlastsTheCloseBudgetGoesToTheFailureHandlerWhole() {
        List<FailedBatch<Integer>> deadLetters = new CopyOnWriteArrayList<>();
        Batches<Integer> processed = new Batches<>();
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofMillis(200)))
                .ordering(Comparator.comparingInt((Integer e) -> {
                    busyFor(Duration.ofNanos(100_000)); // a slow comparator: two per comparison, about 9,000 comparisons
                    return e;
                }))
                .failureHandler(deadLetters::add)
                .processor(processed)
                .build();
        queue.start();
        List<Integer> shuffled = new ArrayList<>(IntStream.range(0, 1_000).boxed().toList());
        Collections.shuffle(shuffled, new Random(42)); // no runs for the sort to find: n log n comparisons
        shuffled.forEach(queue::push);

        assertThat(queue.flush()).as("flush returns while the table is being sorted, and says what is still pending")
                .isEqualTo(new FlushResult(0, 0, 1_000));
        queue.close(Duration.ofMillis(500)); // the sort takes seconds: the budget ends first

        assertThat(deadLetters).as("the whole table was handed over, once").singleElement().satisfies(failed -> {
            assertThat(failed.elements()).hasSize(1_000).doesNotHaveDuplicates();
            assertThat(failed.cause()).isInstanceOf(TimeoutException.class).hasMessageContaining("close budget");
        });
        assertThat(processed.all()).isEmpty();
    }

    /** Slow work, not a wait for something: runs for at least {@code duration}. */
    private static void busyFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        for (long left = duration.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}

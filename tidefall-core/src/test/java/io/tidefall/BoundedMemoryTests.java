package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * With a capacity, a partition holds at most two tables, the write table and the one draining,
 * however its processor misbehaves and however often it is flushed: so at most
 * {@code 2 * capacity} elements per partition stay reachable. Counted, not estimated from heap
 * numbers: every element pushed is watched through a {@link WeakReference}, and once the writers
 * have stopped, garbage collections must clear all but that many.
 *
 * <p>Against processors that never return and ignore interrupts (so a partition's first drain is
 * stuck for good), or whose first call runs past the timeout and then returns (so a finished,
 * timed-out drain must be let go), while writers never stop, a thread flushes in a loop and the
 * watchdog times the calls out. A third table kept by a partition (a flush that drains past a
 * stuck call, a finished drain still referenced) leaves more elements reachable and fails.
 *
 * <p>{@code mvn verify} runs each case for {@value #DEFAULT_SECONDS} seconds; for longer:
 * {@code ./mvnw -pl tidefall-core test -Dtest=BoundedMemoryTests -Dtidefall.memory.seconds=60}.
 */
class BoundedMemoryTests {

    private static final int DEFAULT_SECONDS = 2;
    private static final int PARTITIONS = 2;
    private static final int CAPACITY = 2_000;
    private static final int WRITERS = 4;
    /** Each writer watches at most this many elements (a weak reference each), then stops. */
    private static final int MAX_PER_WRITER = 1_000_000;
    /** A writer's pause after each push, so that DROP's writers, which never wait, stay within what can be watched. */
    private static final long WRITER_PAUSE_NANOS = 10_000;
    private static final Duration TIMEOUT = Duration.ofMillis(100);

    private final CountDownLatch never = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void letTheStuckCallsGo() {
        never.countDown(); // for the tests that share this JVM
        threads.shutdownNow();
    }

    enum Processor {
        /** Every call hangs for good, deaf to interrupts. */
        NEVER_RETURNS,
        /** The first call(s) run past the timeout, deaf, then return; every later call hangs for good. */
        RETURNS_LATE_THEN_NEVER
    }

    @ParameterizedTest
    @CsvSource({"NEVER_RETURNS, BLOCK", "NEVER_RETURNS, DROP", "RETURNS_LATE_THEN_NEVER, BLOCK", "RETURNS_LATE_THEN_NEVER, DROP"})
    void aPartitionKeepsAtMostTwoTablesOfElements(Processor behaviour, OverflowPolicy policy) throws Exception {
        long seconds = Long.getLong("tidefall.memory.seconds", DEFAULT_SECONDS);
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger lateCallsReturned = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        TidefallQueue<byte[]> queue = TidefallQueue.<byte[]>builder("bounded")
                .partitions(PARTITIONS)
                .options(BufferOptions.defaults()
                        .withProcessingInterval(Duration.ofMillis(10))
                        .withProcessingTimeout(TIMEOUT)
                        .withProcessingBatchSize(BatchSize.TABLE) // one call per drain: a late call ends its drain
                        .withProcessingRetries(0) // a timed-out call's elements go to the failure handler at once
                        .withCapacity(CAPACITY)
                        .withOverflow(policy)
                        .withMaxBlock(Duration.ofMillis(5)))
                .failureHandler(batch -> failed.addAndGet(batch.elements().size()))
                .processor(batch -> {
                    // Each partition's first call comes within a tick or two of the start, long before
                    // the first late one returns, so the first PARTITIONS calls are one per partition.
                    if (behaviour == Processor.RETURNS_LATE_THEN_NEVER && calls.getAndIncrement() < PARTITIONS) {
                        deafFor(TIMEOUT.multipliedBy(3));
                        lateCallsReturned.incrementAndGet();
                    } else {
                        Deaf.await(never);
                    }
                })
                .build();
        queue.start();

        List<AtomicReferenceArray<WeakReference<byte[]>>> watched = new ArrayList<>();
        List<AtomicInteger> watchedCounts = new ArrayList<>();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            AtomicReferenceArray<WeakReference<byte[]>> mine = new AtomicReferenceArray<>(MAX_PER_WRITER);
            AtomicInteger count = new AtomicInteger();
            watched.add(mine);
            watchedCounts.add(count);
            writers.add(threads.submit(() -> {
                for (int i = 0; i < MAX_PER_WRITER && writing.get(); i++) {
                    byte[] element = new byte[64];
                    mine.set(i, new WeakReference<>(element));
                    count.set(i + 1);
                    try {
                        queue.push(element);
                        accepted.incrementAndGet();
                    } catch (BufferFullException full) {
                        refused.incrementAndGet();
                    }
                    LockSupport.parkNanos(WRITER_PAUSE_NANOS);
                }
                return null;
            }));
        }
        AtomicLong flushes = new AtomicLong();
        Future<?> flusher = threads.submit(() -> {
            while (writing.get()) {
                queue.flush(); // returns early, with pending elements, while a call is stuck: it must not drain past it
                flushes.incrementAndGet();
            }
            return null;
        });
        await().atMost(Duration.ofSeconds(seconds + 30)).pollInterval(Duration.ofMillis(50)).until(() -> System.nanoTime() >= deadline);
        if (behaviour == Processor.RETURNS_LATE_THEN_NEVER) {
            await().atMost(Duration.ofSeconds(30)).until(() -> lateCallsReturned.get() == PARTITIONS);
        }
        // Writers go on until every partition is stuck in a call that never returns, with a full write table.
        await().atMost(Duration.ofSeconds(30)).until(() -> queue.stats(0).stuck() && queue.stats(1).stuck()
                && queue.bufferSize() == (long) CAPACITY * PARTITIONS);
        writing.set(false);
        for (Future<?> writer : writers) {
            writer.get(60, TimeUnit.SECONDS);
        }
        flusher.get(60, TimeUnit.SECONDS);
        // Nothing moves any more.

        long written = watchedCounts.stream().mapToLong(AtomicInteger::get).sum();
        long bound = 2L * CAPACITY * PARTITIONS;
        AtomicLong reachable = new AtomicLong();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            System.gc();
            reachable.set(stillReachable(watched, watchedCounts));
            assertThat(reachable.get()).as("elements still reachable, of %d written, with capacity %d on %d partitions",
                    written, CAPACITY, PARTITIONS).isLessThanOrEqualTo(bound);
        });
        System.out.printf("bounded memory, %s, %s, %ds: %d written, %d accepted, %d refused, %d dropped, %d to the failure "
                        + "handler, %d flushes; %d elements reachable at the end (bound %d); heap used %d MB%n",
                behaviour, policy, seconds, written, accepted.get(), refused.get(),
                queue.stats(0).dropped() + queue.stats(1).dropped(), failed.get(), flushes.get(), reachable.get(), bound,
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20);

        // The count is not vacuous: the full write tables are held, as they must be.
        assertThat(reachable.get()).as("the full write tables").isGreaterThanOrEqualTo((long) CAPACITY * PARTITIONS);
        assertThat(flushes.get()).as("flushes raced the writers").isPositive();
        assertThat(queue.bufferSize()).as("the write tables are full").isEqualTo((long) CAPACITY * PARTITIONS);

        queue.close(Duration.ofMillis(200)); // the stuck calls' elements go to the failure handler at the budget
    }

    private static long stillReachable(List<AtomicReferenceArray<WeakReference<byte[]>>> watched, List<AtomicInteger> counts) {
        long reachable = 0;
        for (int w = 0; w < watched.size(); w++) {
            AtomicReferenceArray<WeakReference<byte[]>> references = watched.get(w);
            for (int i = 0, n = counts.get(w).get(); i < n; i++) {
                if (references.get(i).get() != null) {
                    reachable++;
                }
            }
        }
        return reachable;
    }

    /** A slow call that ignores the timeout's interrupt: a driver stuck in I/O, not a wait for a condition. */
    private static void deafFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        for (long left = duration.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        Thread.interrupted(); // the watchdog's interrupt, ignored
    }
}

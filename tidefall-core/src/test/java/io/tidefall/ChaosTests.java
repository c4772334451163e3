package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Everything at once: writers on a bounded buffer, user code that misbehaves, option updates and
 * flushes racing, then {@code close(budget)}. Each case adds its own trouble to a processor that
 * throws, stalls past its timeout or is slow at random: a processor deaf to the timeout's
 * interrupt, an {@code ordering} comparator that throws, listeners that throw exceptions and
 * errors, a processor that fails often and is retried with backoff. Checked per element: each is
 * delivered exactly once, or handed to the failure handler exactly once, or dropped by overflow
 * (counted), or refused to its writer with an exception; and nothing else. And {@code close}
 * returns within its budget.
 *
 * <p>{@code mvn verify} runs all {@value #CASES} cases in about {@value #DEFAULT_TOTAL_SECONDS}
 * seconds of writing in all. For a long run, give the total:
 * {@code ./mvnw -pl tidefall-core test -Dtest=ChaosTests -Dtidefall.chaos.duration=PT10M}, shared
 * evenly among the cases; or each case's own: {@code -Dtidefall.chaos.seconds=60}.
 */
class ChaosTests {

    /** The test cases below (parameterized ones counted once per value): they share the total duration. */
    private static final int CASES = 16;
    private static final int DEFAULT_TOTAL_SECONDS = 6;
    private static final int WRITERS = 4;
    private static final int MAX_PER_WRITER = 1 << 20;
    /** Each writer writes at least this many, so that every case has something to deliver however late its writers start. */
    private static final int MIN_PER_WRITER = 1_000;
    private static final int ELEMENTS = WRITERS * MAX_PER_WRITER;
    private static final Duration TIMEOUT = Duration.ofMillis(100);
    private static final Duration CLOSE_BUDGET = Duration.ofSeconds(3);
    /** What close() may take past its budget: the engine's wait for a busy failure handler (1 s), and a loaded machine. */
    private static final Duration CLOSE_SLACK = Duration.ofSeconds(4);

    /** The fates of one round's elements, indexed by element id; a fresh buffer and a fresh round each time. */
    private static final class Round {
        final AtomicIntegerArray delivered = new AtomicIntegerArray(ELEMENTS);
        final AtomicIntegerArray handled = new AtomicIntegerArray(ELEMENTS);
        final AtomicIntegerArray refused = new AtomicIntegerArray(ELEMENTS);
        final AtomicIntegerArray returned = new AtomicIntegerArray(ELEMENTS);
        final AtomicIntegerArray abandoned = new AtomicIntegerArray(ELEMENTS);
    }

    /** What a case's rounds add up to. */
    private long pushed;
    private long deliveredTotal;
    private long failedTotal;
    private long droppedTotal;
    private long refusedTotal;
    private long lostTotal;
    private long abandonedTotal;
    private long rounds;
    private Duration longestClose = Duration.ZERO;
    private String caseName;
    private final AtomicLong retriedChunks = new AtomicLong();
    private final AtomicLong timeouts = new AtomicLong();
    private final AtomicLong exceptions = new AtomicLong();
    /** How often each kind of trouble was caused, so that a case cannot pass without its trouble. */
    private final Map<String, AtomicLong> troubles = new ConcurrentHashMap<>();
    private final AtomicLong calls = new AtomicLong();
    /** Set when close() begins: from then on a deaf processor no longer stalls (see {@link #deafStall()}). */
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    private final BufferListener counting = new BufferListener() {
        @Override
        public void drainFailed(String buffer, int partition, int size, Throwable cause, FailureReason reason) {
            (reason == FailureReason.TIMEOUT ? timeouts : exceptions).incrementAndGet();
        }

        @Override
        public void chunkRetrying(String buffer, int partition, int size, int attempt, Throwable cause, Duration backoff) {
            retriedChunks.incrementAndGet();
        }
    };

    @BeforeEach
    void nameTheCase(TestInfo test) {
        caseName = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("?")
                + (test.getDisplayName().startsWith("[") ? " " + test.getDisplayName() : "");
    }

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private void trouble(String kind) {
        troubles.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /**
     * A processor that misbehaves at random: throws, stalls until interrupted, or is slow. Its
     * first call throws, so that every case meets a failure however few calls a loaded machine
     * lets it make.
     */
    private void misbehave() throws Exception {
        long call = calls.incrementAndGet();
        int dice = call == 1 ? 0 : ThreadLocalRandom.current().nextInt(1000);
        if (dice < 100) {
            trouble("processor threw");
            throw new IllegalStateException("random failure");
        }
        if (dice < 105) {
            trouble("processor stalled until interrupted");
            new CountDownLatch(1).await(); // stalls past the timeout, until the timeout interrupts it
        }
        if (dice < 150) {
            Thread.sleep(2); // slow: simulates a slow database, not a wait for a condition
        }
    }

    /**
     * Every 40th call, the second one first (so that a loaded machine's short round still has one),
     * ignores the timeout's interrupt and returns 1.5 to 3 timeouts later (a
     * driver stuck in I/O), then goes on as usual. Not once close() has begun: a call that outlives
     * the close budget has its elements handed to the failure handler while it may still deliver
     * them, which the engine reports but cannot undo, so it would have two fates here.
     */
    private void deafStall() {
        if (calls.get() % 40 != 2 || closing.get()) {
            return;
        }
        trouble("processor deaf past the timeout");
        long nanos = TIMEOUT.toNanos() * ThreadLocalRandom.current().nextLong(15, 31) / 10;
        long end = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        Thread.interrupted(); // the interrupt was heard and ignored
    }

    private static BufferOptions chaoticOptions(OverflowPolicy policy) {
        return BufferOptions.defaults()
                .withProcessingInterval(Duration.ofMillis(5))
                .withProcessingTimeout(TIMEOUT)
                .withProcessingBatchSize(50)
                .withDrainThreshold(300)
                .withDrainCheckInterval(Duration.ofMillis(1))
                .withCapacity(1_000)
                .withOverflow(policy)
                .withMaxBlock(Duration.ofMillis(20))
                .withProcessingRetries(1)
                .withRetryBackoff(Duration.ofMillis(1));
    }

    private TidefallQueue.Builder<Integer> queue(Round r, BufferOptions options) {
        return TidefallQueue.<Integer>builder("chaos")
                .partitions(3)
                .options(options)
                .listener(counting)
                .failureHandler(failed -> failed.elements().forEach(r.handled::incrementAndGet));
    }

    private TidefallHashMap.Builder<Integer, Integer> hashMap(Round r, BufferOptions options) {
        return TidefallHashMap.<Integer, Integer>builder("chaos")
                .partitions(3)
                .options(options.withProcessingBatchSize(BatchSize.TABLE))
                .listener(counting)
                .failureHandler(failed -> failed.elements().forEach(entry -> r.handled.incrementAndGet(entry.key())));
    }

    private static Subject onHashMap(TidefallHashMap<Integer, Integer> map) {
        return new Subject(map, id -> {
            if (id % 2 == 0) {
                map.put(id, id);
            } else {
                map.putNewer(id, id, id);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(OverflowPolicy.class)
    void queue(OverflowPolicy policy) throws Exception {
        run(r -> {
            TidefallQueue<Integer> queue = queue(r, chaoticOptions(policy))
                    .processor(batch -> {
                        misbehave();
                        batch.forEach(r.delivered::incrementAndGet);
                    })
                    .build();
            return new Subject(queue, queue::push);
        });
    }

    @ParameterizedTest
    @EnumSource(OverflowPolicy.class)
    void hashMap(OverflowPolicy policy) throws Exception {
        run(r -> {
            TidefallHashMap<Integer, Integer> map = hashMap(r, chaoticOptions(policy))
                    .processor(entries -> {
                        misbehave();
                        entries.forEach(entry -> r.delivered.incrementAndGet(entry.key()));
                    })
                    .build();
            return onHashMap(map);
        });
    }

    @ParameterizedTest
    @EnumSource(OverflowPolicy.class)
    void queueWhoseProcessorIsDeafToTheTimeout(OverflowPolicy policy) throws Exception {
        run(r -> {
            TidefallQueue<Integer> queue = queue(r, chaoticOptions(policy))
                    .processor(batch -> {
                        misbehave();
                        deafStall();
                        batch.forEach(r.delivered::incrementAndGet);
                    })
                    .build();
            return new Subject(queue, queue::push);
        });
        assertThat(troubles).containsKey("processor deaf past the timeout");
    }

    @Test
    void hashMapWhoseProcessorIsDeafToTheTimeout() throws Exception {
        run(r -> {
            TidefallHashMap<Integer, Integer> map = hashMap(r, chaoticOptions(OverflowPolicy.BLOCK))
                    .processor(entries -> {
                        misbehave();
                        deafStall();
                        entries.forEach(entry -> r.delivered.incrementAndGet(entry.key()));
                    })
                    .build();
            return onHashMap(map);
        });
        assertThat(troubles).containsKey("processor deaf past the timeout");
    }

    @Test
    void queueWhoseOrderingThrows() throws Exception {
        AtomicLong comparisons = new AtomicLong();
        Comparator<Integer> ordering = (a, b) -> {
            // The first comparison throws too, so the check below cannot fail for want of sorts on a loaded machine.
            if (comparisons.incrementAndGet() % 5_000 == 1) {
                trouble("ordering threw");
                throw new IllegalArgumentException("comparator failure");
            }
            return Integer.compare(b, a);
        };
        run(r -> {
            TidefallQueue<Integer> queue = queue(r, chaoticOptions(OverflowPolicy.BLOCK))
                    .ordering(ordering)
                    .processor(batch -> {
                        misbehave();
                        batch.forEach(r.delivered::incrementAndGet);
                    })
                    .build();
            return new Subject(queue, queue::push);
        });
        assertThat(troubles).containsKey("ordering threw");
    }

    /** Every 7th event a listener hears makes it throw: exceptions and errors in turn. */
    private BufferListener throwingListener() {
        AtomicLong events = new AtomicLong();
        return new BufferListener() {
            private void maybeThrow() {
                long n = events.incrementAndGet();
                if (n % 7 != 0) {
                    return;
                }
                switch ((int) (n / 7 % 3)) {
                    case 0 -> {
                        trouble("listener threw a RuntimeException");
                        throw new IllegalStateException("listener failure");
                    }
                    case 1 -> {
                        trouble("listener threw an AssertionError");
                        throw new AssertionError("listener assertion");
                    }
                    default -> {
                        trouble("listener threw a StackOverflowError");
                        throw new StackOverflowError("listener recursion");
                    }
                }
            }

            @Override
            public void drainStarted(String buffer, int partition, int size) {
                maybeThrow();
            }

            @Override
            public void drainCompleted(String buffer, int partition, int size, int failed, boolean timedOut, Duration took) {
                maybeThrow();
            }

            @Override
            public void drainFailed(String buffer, int partition, int size, Throwable cause, FailureReason reason) {
                maybeThrow();
            }

            @Override
            public void elementsDropped(String buffer, int partition, long count, String reason) {
                maybeThrow();
            }

            @Override
            public void chunkRetrying(String buffer, int partition, int size, int attempt, Throwable cause, Duration backoff) {
                maybeThrow();
            }

            @Override
            public void processingCallStarting(String buffer, int partition, Callee callee) {
                maybeThrow();
            }

            @Override
            public void processingCallEnded(String buffer, int partition, Callee callee) {
                maybeThrow();
            }

            @Override
            public void partitionStopped(String buffer, int partition) {
                maybeThrow();
            }
        };
    }

    @ParameterizedTest
    @EnumSource(value = OverflowPolicy.class, names = {"BLOCK", "DROP"})
    void queueWithThrowingListeners(OverflowPolicy policy) throws Exception {
        run(r -> {
            TidefallQueue<Integer> queue = queue(r, chaoticOptions(policy))
                    .listener(throwingListener())
                    .processor(batch -> {
                        misbehave();
                        batch.forEach(r.delivered::incrementAndGet);
                    })
                    .build();
            return new Subject(queue, queue::push);
        });
        assertThat(troubles).containsKeys("listener threw a RuntimeException", "listener threw an AssertionError",
                "listener threw a StackOverflowError");
    }

    @Test
    void hashMapWithThrowingListeners() throws Exception {
        run(r -> {
            TidefallHashMap<Integer, Integer> map = hashMap(r, chaoticOptions(OverflowPolicy.BLOCK))
                    .listener(throwingListener())
                    .processor(entries -> {
                        misbehave();
                        entries.forEach(entry -> r.delivered.incrementAndGet(entry.key()));
                    })
                    .build();
            return onHashMap(map);
        });
        assertThat(troubles).containsKeys("listener threw a RuntimeException", "listener threw an AssertionError",
                "listener threw a StackOverflowError");
    }

    /** A third of the calls fail; chunks are retried with backoff, up to three times, within a delivery timeout. */
    private static BufferOptions retrying(BufferOptions options) {
        return options.withProcessingRetries(3)
                .withRetryBackoff(Duration.ofMillis(1))
                .withRetryBackoffMax(Duration.ofMillis(20))
                .withDeliveryTimeout(Duration.ofSeconds(1));
    }

    private void failOften() {
        if (ThreadLocalRandom.current().nextInt(3) == 0) {
            trouble("processor failed, to be retried");
            throw new IllegalStateException("transient failure");
        }
    }

    @Test
    void queueWhoseProcessorFailsOftenAndIsRetried() throws Exception {
        run(r -> {
            TidefallQueue<Integer> queue = queue(r, retrying(chaoticOptions(OverflowPolicy.BLOCK)))
                    .processor(batch -> {
                        failOften();
                        misbehave();
                        batch.forEach(r.delivered::incrementAndGet);
                    })
                    .build();
            return new Subject(queue, queue::push);
        });
        assertThat(retriedChunks).hasPositiveValue();
    }

    @Test
    void hashMapWhoseProcessorFailsOftenAndIsRetried() throws Exception {
        run(r -> {
            TidefallHashMap<Integer, Integer> map = hashMap(r, retrying(chaoticOptions(OverflowPolicy.BLOCK)))
                    .processor(entries -> {
                        failOften();
                        misbehave();
                        entries.forEach(entry -> r.delivered.incrementAndGet(entry.key()));
                    })
                    .build();
            return onHashMap(map);
        });
        assertThat(retriedChunks).hasPositiveValue();
    }

    private interface Write {
        void write(int id);
    }

    /** A freshly built buffer and how to write element {@code id} to it. */
    private record Subject(Buffer buffer, Write write) {
    }

    private interface Build {
        Subject build(Round round);
    }

    /** How long each case writes: the total of {@code tidefall.chaos.duration} shared among the cases, or its own. */
    private static long caseNanos() {
        String seconds = System.getProperty("tidefall.chaos.seconds");
        if (seconds != null) {
            return TimeUnit.SECONDS.toNanos(Long.parseLong(seconds));
        }
        Duration total = Duration.parse(System.getProperty("tidefall.chaos.duration", "PT" + DEFAULT_TOTAL_SECONDS + "S"));
        return total.toNanos() / CASES;
    }

    /**
     * Runs rounds until the case's time is up: each round builds a buffer, writes to it until the
     * time is up or its writers have written {@value #MAX_PER_WRITER} elements each (DROP and FAIL
     * get there fast), closes it and checks every element's fate.
     */
    private void run(Build build) throws Exception {
        long started = System.nanoTime();
        long deadline = started + caseNanos();
        do {
            Round round = new Round();
            runRound(build.build(round), round, deadline);
        } while (deadline - System.nanoTime() > TimeUnit.SECONDS.toNanos(1)); // no round of a few writes at the end
        System.out.printf("chaos case %s: %d round(s) in %.1fs; %d pushed: %d delivered, %d to the failure handler, %d dropped,"
                        + " %d refused, %d lost, %d abandoned writes that threw; longest close %d ms (budget %d ms); %d exception and %d timeout reports;"
                        + " %d chunk retries; troubles %s%n",
                caseName, rounds, (System.nanoTime() - started) / 1e9, pushed, deliveredTotal, failedTotal, droppedTotal,
                refusedTotal, lostTotal, abandonedTotal, longestClose.toMillis(), CLOSE_BUDGET.toMillis(), exceptions.get(), timeouts.get(),
                retriedChunks.get(), troubles);
        assertThat(deliveredTotal).as("deliveries happened").isPositive();
        assertThat(troubles).as("the processor's own trouble").containsKey("processor threw");
    }

    private void runRound(Subject subject, Round round, long deadline) throws Exception {
        Buffer buffer = subject.buffer();
        Write write = subject.write();
        closing.set(false);
        buffer.start();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<Integer>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(threads.submit(() -> {
                int i = 0;
                // At least MIN_PER_WRITER each, even if a loaded machine started this writer after the deadline.
                for (; i < MAX_PER_WRITER && (i < MIN_PER_WRITER || System.nanoTime() < deadline); i++) {
                    int id = writer * MAX_PER_WRITER + i;
                    try {
                        write.write(id);
                        round.returned.set(id, 1);
                    } catch (BufferFullException full) {
                        round.refused.set(id, 1);
                    } catch (IllegalStateException slow) {
                        if (!String.valueOf(slow.getMessage()).contains("took longer than its partition's drain would wait")) {
                            throw slow;
                        }
                        // A hash map write the seal gave up waiting for (its writer was descheduled, or paused by a
                        // collection, past processingTimeout): it threw, so it may or may not be delivered, once at most.
                        round.abandoned.set(id, 1);
                    }
                }
                return i;
            }));
        }
        Future<?> meddler = threads.submit(() -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (running.get()) {
                switch (random.nextInt(4)) {
                    case 0 -> buffer.flush();
                    case 1 -> buffer.updateOptions(o -> o.withProcessingInterval(Duration.ofMillis(1 + random.nextInt(20))));
                    case 2 -> buffer.updateOptions(o -> o.withCapacity(200 + random.nextInt(2_000)));
                    default -> buffer.updateOptions(o -> o.withProcessingBatchSize(1 + random.nextInt(200)));
                }
            }
            return null;
        });

        long written = 0;
        long waitNanos = Math.max(0, deadline - System.nanoTime()) + TimeUnit.SECONDS.toNanos(60);
        for (Future<Integer> writer : writers) {
            written += writer.get(waitNanos, TimeUnit.NANOSECONDS);
        }
        running.set(false);
        meddler.get(60, TimeUnit.SECONDS);
        closing.set(true);
        long closeStarted = System.nanoTime();
        buffer.close(CLOSE_BUDGET);
        Duration closeTook = Duration.ofNanos(System.nanoTime() - closeStarted);

        long writes = written;
        // A chunk that was with the processor when its drain timed out settles when the call returns: wait for those.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertEveryElementHasExactlyOneFate(buffer, round, writes));
        assertThat(closeTook).as("close(%s) took", CLOSE_BUDGET).isLessThanOrEqualTo(CLOSE_BUDGET.plus(CLOSE_SLACK));
        rounds++;
        pushed += writes;
        if (closeTook.compareTo(longestClose) > 0) {
            longestClose = closeTook;
        }
    }

    private void assertEveryElementHasExactlyOneFate(Buffer buffer, Round round, long written) {
        long deliveredCount = 0;
        long handledCount = 0;
        long refusedCount = 0;
        long returnedCount = 0;
        long abandonedCount = 0;
        long vanished = 0;
        long dropped = 0;
        for (int p = 0; p < buffer.partitions(); p++) {
            dropped += buffer.stats(p).dropped();
        }
        List<String> wrong = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            for (int i = 0; i < MAX_PER_WRITER; i++) {
                int id = w * MAX_PER_WRITER + i;
                int delivered = round.delivered.get(id);
                int handled = round.handled.get(id);
                int outcomes = delivered + handled;
                if (round.refused.get(id) == 1) {
                    refusedCount++;
                    if (outcomes != 0 && wrong.size() < 10) {
                        wrong.add(id + " was refused to its writer but reached the processor or handler");
                    }
                } else if (round.abandoned.get(id) == 1) {
                    abandonedCount++;
                    if (outcomes > 1 && wrong.size() < 10) {
                        wrong.add(id + " threw to its writer, then was delivered " + delivered + " times and handled " + handled + " times");
                    }
                } else if (round.returned.get(id) == 1) {
                    returnedCount++;
                    if (outcomes > 1 && wrong.size() < 10) {
                        wrong.add(id + " delivered " + delivered + " times and handled " + handled + " times");
                    }
                    if (outcomes == 0) {
                        vanished++;
                    }
                } else if (outcomes != 0 && wrong.size() < 10) {
                    wrong.add(id + " was never written but reached the processor or handler");
                }
                deliveredCount += delivered;
                handledCount += handled;
            }
        }
        assertThat(wrong).as("%s: elements with an impossible fate (first 10)", caseName).isEmpty();
        assertThat(vanished).as("%s: accepted elements neither delivered nor handed to the failure handler: only drops may "
                + "explain them", caseName).isEqualTo(dropped);
        assertThat(returnedCount + refusedCount + abandonedCount).isEqualTo(written);
        deliveredTotal += deliveredCount;
        failedTotal += handledCount;
        droppedTotal += dropped;
        refusedTotal += refusedCount;
        lostTotal += vanished - dropped;
        abandonedTotal += abandonedCount;
    }
}

package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every piece of user code the engine calls, crossed with every way it can misbehave, once: each
 * cell builds a buffer whose callback misbehaves on its first call (and behaves afterwards),
 * writes, flushes, writes again and closes, then checks the promise: every write that returned
 * normally ends in exactly one fate (a processor call that returned normally, or the failure
 * handler), {@code flush()} and {@code close()} return within their bounds, and the partition
 * carries on. Each cell's measured outcome is written to {@code target/hostile-callback-matrix.md},
 * the table {@code docs/GUARANTEES.md} shows.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@Execution(ExecutionMode.CONCURRENT) // each cell has its own buffer, threads and records; most of a cell is waiting
class HostileCallbackMatrixTests {

    enum Callee { PROCESSOR, FAILURE_HANDLER, LISTENER, ORDERING, PARTITION_KEY, KEY_HASH_EQUALS, EXECUTOR, SCHEDULER }

    enum Misdeed {
        /** Throws an {@code IllegalStateException}. */
        THROWS_RUNTIME,
        /** Throws an {@code AssertionError} (an {@code Error}, as OutOfMemoryError and StackOverflowError are). */
        THROWS_ERROR,
        /** Blocks, ignoring interrupts, until the test ends. */
        HANGS_DEAF,
        /** Blocks past the processing timeout, and gives up when interrupted. */
        SLOW_PAST_TIMEOUT,
        /** Blocks past the processing timeout ignoring interrupts, then returns normally. */
        RETURNS_LATE
    }

    private static final Duration TIMEOUT = Duration.ofMillis(150);
    private static final Duration CLOSE_BUDGET = Duration.ofSeconds(2);
    /** Generous: the bound is the engine's, the slack is for a loaded two-core machine. */
    private static final Duration SLACK = Duration.ofSeconds(3);
    private static final Map<String, String> OUTCOMES = new ConcurrentHashMap<>();

    private final CountDownLatch endOfTest = new CountDownLatch(1);
    private final ExecutorService writers = Executors.newCachedThreadPool();
    private final ExecutorService drains = Executors.newCachedThreadPool();
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);

    private final List<Integer> delivered = new CopyOnWriteArrayList<>();
    private final List<Integer> failed = new CopyOnWriteArrayList<>();
    private final List<Integer> accepted = new CopyOnWriteArrayList<>();
    /** Elements a throwing failure handler lost: reported (log, listener, meter), the one loss the engine allows. */
    private final AtomicInteger lostLoudly = new AtomicInteger();

    @AfterEach
    void release() {
        endOfTest.countDown();
        writers.shutdownNow();
        drains.shutdownNow();
        timers.shutdownNow();
    }

    static Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (Callee callee : Callee.values()) {
            for (Misdeed misdeed : Misdeed.values()) {
                cells.add(Arguments.of(callee, misdeed));
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cells")
    void everyAcceptedWriteEndsInExactlyOneFateAndFlushAndCloseReturn(Callee callee, Misdeed misdeed) throws Exception {
        Trap trap = new Trap(misdeed);
        Buffer buffer = build(callee, trap);
        if (callee == Callee.SCHEDULER) {
            trap.armed.set(false); // start() calls the scheduler on the caller's thread: a hanging one would hang it
            buffer.start();
            trap.armed.set(true);
        } else {
            buffer.start();
        }

        write(buffer, 0, 20);
        long flushStart = System.nanoTime();
        FlushResult flushed = buffer.flush();
        Duration flushTook = Duration.ofNanos(System.nanoTime() - flushStart);
        write(buffer, 20, 40);
        long closeStart = System.nanoTime();
        buffer.close(CLOSE_BUDGET);
        Duration closeTook = Duration.ofNanos(System.nanoTime() - closeStart);
        endOfTest.countDown(); // lets a hanging callback go: a late return must not add a second fate

        // flush: one timeout (plus its grace) per blocked partition at most, plus retries that succeed
        assertThat(flushTook).as("flush() returned within its bound").isLessThan(TIMEOUT.multipliedBy(4).plus(SLACK));
        assertThat(closeTook).as("close() returned within its budget").isLessThan(CLOSE_BUDGET.plusSeconds(1).plus(SLACK));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(delivered.size() + failed.size()
                + lostLoudly.get()).as("every accepted write has a fate").isGreaterThanOrEqualTo(accepted.size()));
        List<Integer> twice = accepted.stream()
                .filter(e -> count(delivered, e) + count(failed, e) > 1).toList();
        boolean lateReturnAfterClose = callee == Callee.PROCESSOR && misdeed == Misdeed.HANGS_DEAF;
        if (!lateReturnAfterClose) {
            assertThat(twice).as("no element has two fates").isEmpty();
        }
        long withoutFate = accepted.stream().filter(e -> count(delivered, e) + count(failed, e) == 0).count();
        assertThat(withoutFate).as("accepted elements neither delivered nor handed over: only those a throwing "
                + "failure handler lost, which were reported").isEqualTo(lostLoudly.get());
        assertThat(delivered).as("the processor never received an element that was not accepted").isSubsetOf(accepted);
        boolean carriesOn = accepted.stream().filter(e -> e >= 20).allMatch(delivered::contains);

        Expected expected = Expected.of(callee, misdeed);
        long handedOver = accepted.stream().filter(e -> count(failed, e) == 1).count();
        assertThat(40 - accepted.size()).as("writes refused: only the write whose own key misbehaved")
                .isEqualTo(expected.refused());
        assertThat(accepted.stream().filter(e -> count(delivered, e) >= 1).count()).as("delivered").isPositive();
        assertThat(handedOver > 0).as("elements went to the failure handler: " + handedOver).isEqualTo(expected.toHandler());
        assertThat(lostLoudly.get() > 0).as("elements lost, reported: " + lostLoudly.get()).isEqualTo(expected.lost());
        assertThat(carriesOn).as("the partition carries on: the second writes were delivered").isEqualTo(expected.carriesOn());

        OUTCOMES.put(callee + " " + misdeed, String.format("| %s | %s | %d | %d | %d | %d | %d | %s | %d ms | %d ms | %s |",
                name(callee), name(misdeed), 40 - accepted.size(), accepted.size(),
                accepted.stream().filter(e -> count(delivered, e) == 1).count(),
                accepted.stream().filter(e -> count(failed, e) == 1).count(), lostLoudly.get(),
                twice.isEmpty() ? "none" : twice.size() + " (late return after close)",
                flushTook.toMillis(), closeTook.toMillis(), carriesOn ? "yes" : "stuck (handed over at close)"));
    }

    private Buffer build(Callee callee, Trap trap) {
        BufferOptions options = BufferOptions.defaults()
                .withProcessingTimeout(TIMEOUT)
                .withProcessingBatchSize(5)
                .withRetryBackoff(Duration.ofMillis(10))
                .withRetryBackoffMax(Duration.ofMillis(50))
                .withDeliveryTimeout(Duration.ofSeconds(1));
        BatchProcessor<Integer> processor = batch -> {
            if (callee == Callee.PROCESSOR) {
                trap.spring();
            }
            delivered.addAll(batch);
        };
        BatchFailureHandler<Integer> handler = failedBatch -> {
            if (callee == Callee.FAILURE_HANDLER) {
                trap.spring();
            }
            failed.addAll(failedBatch.elements());
        };
        if (callee == Callee.FAILURE_HANDLER) { // the handler must be called: every chunk fails once, for good
            AtomicBoolean first = new AtomicBoolean(true);
            processor = batch -> {
                if (first.getAndSet(false)) {
                    throw new IllegalStateException("permanent");
                }
                delivered.addAll(batch);
            };
            options = options.withProcessingRetries(0);
        }
        if (callee == Callee.KEY_HASH_EQUALS) {
            return hashMap(trap, options, handler);
        }
        TidefallQueue.Builder<Integer> builder = TidefallQueue.<Integer>builder("hostile")
                .partitions(2)
                .options(options)
                .processor(processor)
                .failureHandler(handler)
                .listener(new BufferListener() {
                    @Override
                    public void failureHandlerFailed(String buffer, int partition, int size, Throwable cause) {
                        lostLoudly.addAndGet(size);
                    }
                })
                .executor(callee == Callee.EXECUTOR ? task -> { trap.springUnchecked(); drains.execute(task); } : drains)
                .scheduler(callee == Callee.SCHEDULER
                        ? (delay, task) -> { trap.springUnchecked(); return Scheduler.of(timers).schedule(delay, task); }
                        : Scheduler.of(timers));
        switch (callee) {
            case LISTENER -> builder.listener(new BufferListener() {
                @Override
                public void drainCompleted(String buffer, int partition, int size, int lost, boolean timedOut,
                        Duration duration) {
                    trap.springUnchecked();
                }
            });
            case ORDERING -> builder.ordering(Comparator.comparingInt((Integer e) -> {
                trap.springUnchecked();
                return e;
            }));
            case PARTITION_KEY -> builder.partitionKey(e -> {
                trap.springUnchecked();
                return e;
            });
            default -> { }
        }
        return builder.build();
    }

    /** A HashMap buffer whose keys' hashCode misbehaves once; entries are reported by key. */
    private Buffer hashMap(Trap trap, BufferOptions options, BatchFailureHandler<Integer> handler) {
        TidefallHashMap<HostileKey, Integer> map = TidefallHashMap.<HostileKey, Integer>builder("hostile")
                .partitions(2)
                .options(options)
                .processor(entries -> entries.forEach(entry -> delivered.add(entry.value())))
                .failureHandler(failedBatch -> handler.handle(new FailedBatch<>(failedBatch.buffer(),
                        failedBatch.partition(), failedBatch.elements().stream().map(TidefallHashMap.Entry::value).toList(),
                        failedBatch.cause())))
                .executor(drains)
                .scheduler(Scheduler.of(timers))
                .build();
        return new MapAdapter(map, trap);
    }

    /** Writes elements {@code from..to} one call each, on writer threads: a write that hangs holds its thread only. */
    private void write(Buffer buffer, int from, int to) throws Exception {
        for (int element = from; element < to; element++) {
            int e = element;
            Future<?> write = writers.submit(() -> {
                if (buffer instanceof MapAdapter map) {
                    map.put(e);
                } else {
                    @SuppressWarnings("unchecked")
                    TidefallQueue<Integer> queue = (TidefallQueue<Integer>) buffer;
                    queue.push(e);
                }
                accepted.add(e); // only a write that returned normally is promised anything
            });
            try {
                // Past the late return of RETURNS_LATE (3 x TIMEOUT, by a timer that a loaded machine runs late): a wait of
                // just 3 x TIMEOUT let the flush seal the table under that writer, which was then refused (seen once in CI).
                write.get(TIMEOUT.multipliedBy(3).plus(SLACK).toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException threw) {
                // the write threw: nothing promised
            } catch (TimeoutException hangs) {
                // the write hangs in user code: its thread is gone, the next write uses another
            }
        }
    }

    private static long count(List<Integer> list, int element) {
        return list.stream().filter(e -> e == element).count();
    }

    /**
     * What the promise makes of a cell: which writes are refused (the one whose own key or routing
     * misbehaved), whether elements go to the failure handler (a table whose step never returns is
     * handed over at close; a throwing ordering fails its table; a permanently failing chunk goes
     * there), whether some are lost loudly (only a throwing failure handler loses, and says so), and
     * whether the partition carries on (all but a step that never returns).
     */
    private record Expected(int refused, boolean toHandler, boolean lost, boolean carriesOn) {

        static Expected of(Callee callee, Misdeed misdeed) {
            boolean throwsOrHangs = misdeed == Misdeed.THROWS_RUNTIME || misdeed == Misdeed.THROWS_ERROR
                    || misdeed == Misdeed.HANGS_DEAF;
            boolean throwing = misdeed == Misdeed.THROWS_RUNTIME || misdeed == Misdeed.THROWS_ERROR;
            boolean stuck = misdeed == Misdeed.HANGS_DEAF && switch (callee) {
                case PROCESSOR, FAILURE_HANDLER, LISTENER, ORDERING, SCHEDULER -> true;
                default -> false;
            };
            int refused = (callee == Callee.PARTITION_KEY || callee == Callee.KEY_HASH_EQUALS) && throwsOrHangs ? 1 : 0;
            boolean toHandler = stuck || (callee == Callee.ORDERING && throwing)
                    || (callee == Callee.FAILURE_HANDLER && !throwsOrHangs);
            boolean lost = callee == Callee.FAILURE_HANDLER && throwing;
            return new Expected(refused, toHandler, lost, !stuck);
        }
    }

    /** Misbehaves on its first call, as told; behaves on every later call. */
    private final class Trap {
        private final Misdeed misdeed;
        private final AtomicBoolean armed = new AtomicBoolean(true);

        Trap(Misdeed misdeed) {
            this.misdeed = misdeed;
        }

        void spring() throws InterruptedException {
            if (!armed.getAndSet(false)) {
                return;
            }
            switch (misdeed) {
                case THROWS_RUNTIME -> throw new IllegalStateException("hostile callback");
                case THROWS_ERROR -> throw new AssertionError("hostile callback");
                case HANGS_DEAF -> Deaf.await(endOfTest);
                case SLOW_PAST_TIMEOUT -> Thread.sleep(TIMEOUT.multipliedBy(3).toMillis()); // an interrupt ends it
                case RETURNS_LATE -> {
                    CountDownLatch late = new CountDownLatch(1);
                    timers.schedule(late::countDown, TIMEOUT.multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
                    Deaf.await(late);
                }
            }
        }

        /** For callbacks that cannot throw checked exceptions. */
        void springUnchecked() {
            try {
                spring();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A key whose hashCode springs the trap once: the map calls it inside the write. */
    private static final class HostileKey {
        final int id;
        final Trap trap;

        HostileKey(int id, Trap trap) {
            this.id = id;
            this.trap = trap;
        }

        @Override
        public int hashCode() {
            trap.springUnchecked();
            return Integer.hashCode(id);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof HostileKey key && key.id == id;
        }
    }

    /** Lets a cell drive a HashMap buffer like a queue of ints. */
    private static final class MapAdapter implements Buffer {
        private final TidefallHashMap<HostileKey, Integer> map;
        private final Trap trap;

        MapAdapter(TidefallHashMap<HostileKey, Integer> map, Trap trap) {
            this.map = map;
            this.trap = trap;
        }

        void put(int element) {
            map.put(new HostileKey(element, trap), element);
        }

        @Override public String name() { return map.name(); }
        @Override public int partitions() { return map.partitions(); }
        @Override public long bufferSize() { return map.bufferSize(); }
        @Override public long bufferSize(int partition) { return map.bufferSize(partition); }
        @Override public long drainingSize() { return map.drainingSize(); }
        @Override public BufferOptions options() { return map.options(); }
        @Override public void updateOptions(java.util.function.UnaryOperator<BufferOptions> change) { map.updateOptions(change); }
        @Override public void start() { map.start(); }
        @Override public boolean isRunning() { return map.isRunning(); }
        @Override public PartitionStats stats(int partition) { return map.stats(partition); }
        @Override public void addListener(BufferListener listener) { map.addListener(listener); }
        @Override public void removeListener(BufferListener listener) { map.removeListener(listener); }
        @Override public FlushResult flush() { return map.flush(); }
        @Override public void close() { map.close(); }
        @Override public void close(Duration budget) { map.close(budget); }
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    @AfterAll
    static void writeTheMatrix() throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("| callee | misdeed | writes refused | accepted | delivered once | to failure handler once | lost, reported | two fates | flush | close | partition carries on |");
        lines.add("|---|---|---|---|---|---|---|---|---|---|---|");
        for (Callee callee : Callee.values()) {
            for (Misdeed misdeed : Misdeed.values()) {
                String row = OUTCOMES.get(callee + " " + misdeed);
                if (row != null) {
                    lines.add(row);
                }
            }
        }
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target", "hostile-callback-matrix.md"), lines);
    }
}

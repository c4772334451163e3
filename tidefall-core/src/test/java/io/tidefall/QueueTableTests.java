package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The queue table's drain ends even when a writer dies between claiming a slot and filling it; a
 * full table stops claiming slots, whatever the capacity does; a table never grows past
 * {@link QueueTable#MAX_SIZE}, so its drained count fits an {@code int}.
 */
class QueueTableTests {

    private static final long UNBOUNDED = Long.MAX_VALUE;

    /** Slot arrays whose {@code failing}-th allocation throws, as an exhausted heap would. */
    private static IntFunction<Object[]> failingAllocation(int failing) {
        AtomicInteger allocations = new AtomicInteger();
        return size -> {
            if (allocations.incrementAndGet() == failing) {
                throw new OutOfMemoryError("Java heap space (injected)");
            }
            return new Object[size];
        };
    }

    @Test
    void aWriterThatDiesInstallingTheLastSegmentIsSkippedAndTheDrainEnds() {
        QueueTable<Integer> table = new QueueTable<>(failingAllocation(2)); // the first is the table's own
        IntStream.range(0, 1024).forEach(i -> assertThat(table.append(i, UNBOUNDED)).isEqualTo(WriteResult.WRITTEN));
        assertThatThrownBy(() -> table.append(1024, UNBOUNDED)).isInstanceOf(OutOfMemoryError.class);

        table.seal();
        List<Integer> drained = assertTimeoutPreemptively(Duration.ofSeconds(10), table::drain,
                "the drain waited for a slot whose writer is gone");

        assertThat(drained).containsExactlyElementsOf(IntStream.range(0, 1024).boxed().toList());
        assertThat(table.abandoned()).isEqualTo(1);
    }

    @Test
    void aWriterThatDiesLeavesOnlyItsOwnSlotEmptyAndLaterWritersAreKept() {
        QueueTable<Integer> table = new QueueTable<>(failingAllocation(2));
        IntStream.range(0, 1024).forEach(i -> table.append(i, UNBOUNDED));
        assertThatThrownBy(() -> table.append(-1, UNBOUNDED)).isInstanceOf(OutOfMemoryError.class);
        IntStream.range(1024, 3000).forEach(i -> assertThat(table.append(i, UNBOUNDED)).isEqualTo(WriteResult.WRITTEN));

        table.seal();
        List<Integer> drained = assertTimeoutPreemptively(Duration.ofSeconds(10), table::drain);

        assertThat(drained).containsExactlyElementsOf(IntStream.range(0, 3000).boxed().toList());
        assertThat(table.abandoned()).isEqualTo(1);
    }

    @Test
    void theWriteThatTakesTheLastSlotBelowTheCapacityIsToldSo() {
        QueueTable<Integer> table = new QueueTable<>();
        assertThat(table.append(0, 3)).isEqualTo(WriteResult.WRITTEN);
        assertThat(table.append(1, 3)).isEqualTo(WriteResult.WRITTEN);
        assertThat(table.append(2, 3)).isEqualTo(WriteResult.FILLED);
        assertThat(table.append(3, 3)).isEqualTo(WriteResult.FULL);
        assertThat(table.append(3, 4)).as("claimed slots are compared, skipped ones included").isEqualTo(WriteResult.FILLED);
        table.seal();
        assertThat(table.drain()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void writersThatRacedPastTheCapacityLeaveAFullTableThatARaisedCapacityDoesNotGrow() throws Exception {
        int capacity = 1_000; // under one segment, and long enough for the writers to be racing when they reach it
        int writers = 4;
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        try {
            // Rounds of writers racing for the last places of a fresh table, until one of them claimed a
            // slot past the capacity (refused, its slot filled with a skip marker). Which round that is
            // depends on the scheduler; a round in which nobody raced past proves nothing and is skipped.
            for (int round = 0; round < 10_000; round++) {
                AtomicInteger slotArrays = new AtomicInteger();
                QueueTable<Integer> table = new QueueTable<>(size -> {
                    slotArrays.incrementAndGet();
                    return new Object[size];
                });
                race(threads, writers, () -> {
                    while (table.append(1, capacity) != WriteResult.FULL) {
                        Thread.onSpinWait();
                    }
                });
                if (table.append(-1, capacity + 1) != WriteResult.FULL) {
                    continue; // nobody raced past: the raise made room for one more, as it should
                }
                // Slots claimed, skipped ones included, exceed the raised capacity: every write is refused
                // before it claims one, however many come.
                for (int i = 0; i < 100_000; i++) {
                    WriteResult result = table.append(i, capacity + 1);
                    if (result != WriteResult.FULL) {
                        fail("write " + i + " after the raise was not refused: " + result);
                    }
                }
                assertThat(slotArrays).as("slot arrays allocated (1,024 slots each): refused writes claimed no slots")
                        .hasValue(1);
                assertThat(table.size()).isEqualTo(capacity);
                table.seal();
                assertThat(table.drain()).hasSize(capacity);
                return;
            }
            fail("no writer raced past the capacity in 10,000 rounds");
        } finally {
            threads.shutdownNow();
        }
    }

    /** Runs {@code writers} copies of {@code writer} at once (each spins until all are running), and waits for them. */
    private static void race(ExecutorService threads, int writers, Runnable writer) throws Exception {
        AtomicInteger waiting = new AtomicInteger(writers);
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            running.add(threads.submit(() -> {
                waiting.decrementAndGet();
                while (waiting.get() > 0) {
                    Thread.onSpinWait(); // a hot start: no writer is still waking up when the others begin
                }
                writer.run();
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTableStopsAtMaxSizeWhateverTheCapacity() throws Exception {
        // A table that has taken MAX_SIZE - 1 claims, without a billion writes: the claim counter is
        // moved on as they would have moved it, and every segment shares one slot array.
        Object[] shared = new Object[1024];
        QueueTable<Integer> table = new QueueTable<>(size -> shared);
        VarHandle claimed = MethodHandles.privateLookupIn(QueueTable.class, MethodHandles.lookup())
                .findVarHandle(QueueTable.class, "claimed", long.class);
        claimed.setVolatile(table, QueueTable.MAX_SIZE - 1);

        assertThat(table.append(1, UNBOUNDED)).as("the write that takes the last slot is told so").isEqualTo(WriteResult.FILLED);
        assertThat(table.append(2, UNBOUNDED)).as("no capacity, but the table is full").isEqualTo(WriteResult.FULL);
        assertThat(table.size()).as("a drained count fits an int").isEqualTo(QueueTable.MAX_SIZE).isLessThan(Integer.MAX_VALUE);
    }
}

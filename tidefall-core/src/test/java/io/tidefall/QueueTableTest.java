package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The queue table's drain ends even when a writer dies between claiming a slot and filling it. */
class QueueTableTest {

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
        IntStream.range(0, 1024).forEach(i -> assertThat(table.append(i, UNBOUNDED)).isEqualTo(WriteTable.WRITTEN));
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
        IntStream.range(1024, 3000).forEach(i -> assertThat(table.append(i, UNBOUNDED)).isEqualTo(WriteTable.WRITTEN));

        table.seal();
        List<Integer> drained = assertTimeoutPreemptively(Duration.ofSeconds(10), table::drain);

        assertThat(drained).containsExactlyElementsOf(IntStream.range(0, 3000).boxed().toList());
        assertThat(table.abandoned()).isEqualTo(1);
    }

    @Test
    void theWriteThatTakesTheLastSlotBelowTheCapacityIsToldSo() {
        QueueTable<Integer> table = new QueueTable<>();
        assertThat(table.append(0, 3)).isEqualTo(WriteTable.WRITTEN);
        assertThat(table.append(1, 3)).isEqualTo(WriteTable.WRITTEN);
        assertThat(table.append(2, 3)).isEqualTo(WriteTable.FILLED);
        assertThat(table.append(3, 3)).isEqualTo(WriteTable.FULL);
        assertThat(table.append(3, 4)).as("claimed slots are compared, skipped ones included").isEqualTo(WriteTable.FILLED);
        table.seal();
        assertThat(table.drain()).containsExactly(0, 1, 2, 3);
    }
}

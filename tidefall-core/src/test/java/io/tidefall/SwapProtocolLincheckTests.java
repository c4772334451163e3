package io.tidefall;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tidefall.TidefallHashMap.Entry;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Model checking of the swap protocol with Lincheck: writers racing a swap-seal-drain, explored
 * interleaving by interleaving. The sequential specification is the harness itself run on one
 * thread: a drain returns exactly what was written since the previous drain, and a bounded queue
 * table accepts, fills and refuses exactly as it would one write at a time. A write lost in a
 * retired table, drained twice, or accepted past the capacity has no sequential explanation and
 * fails the check.
 *
 * <p>Each harness does what {@link Partition} does: install a fresh table, then seal and drain the
 * retired one; writers retry on the current table when theirs is sealed.
 *
 * <p>Every build runs a short exploration ({@value #QUICK_ITERATIONS} scenarios of
 * {@value #QUICK_INVOCATIONS} interleavings each, seconds). The profile {@code model-checking}
 * runs a long one (minutes): {@code ./mvnw -pl tidefall-core test -Pmodel-checking}; or choose
 * with {@code -Dtidefall.lincheck.iterations=... -Dtidefall.lincheck.invocations=...}.
 */
class SwapProtocolLincheckTests {

    private static final int QUICK_ITERATIONS = 3;
    private static final int QUICK_INVOCATIONS = 50;

    /**
     * Lincheck 2.39 cannot read Java 25's class files: there it leaves the tables uninstrumented
     * ("Unable to transform io/tidefall/QueueTable ... Unsupported class file major version 69")
     * and would pass without exploring a single interleaving of theirs.
     */
    private static final int FIRST_UNSUPPORTED_JAVA = 25;

    @BeforeEach
    void lincheckRunsOnThisJava() {
        assumeTrue(Runtime.version().feature() < FIRST_UNSUPPORTED_JAVA, "Lincheck 2.39 cannot instrument classes on Java "
                + Runtime.version().feature() + " (class file major version 69), so it would check nothing; "
                + "the model check runs on Java 17");
    }

    private static ModelCheckingOptions options() {
        return new ModelCheckingOptions()
                .iterations(Integer.getInteger("tidefall.lincheck.iterations", QUICK_ITERATIONS))
                .invocationsPerIteration(Integer.getInteger("tidefall.lincheck.invocations", QUICK_INVOCATIONS))
                .threads(2)
                .actorsPerThread(2)
                .actorsBefore(1)
                .actorsAfter(1);
    }

    @Nested
    class Queue {
        @Test
        void swapLosesAndDuplicatesNothing() {
            LinChecker.check(QueueHarness.class, options());
        }

        @Test
        void aBoundedTableAcceptsFillsAndRefusesAsOneWriteAtATimeWould() {
            LinChecker.check(BoundedQueueHarness.class, options().actorsPerThread(3));
        }    }

    @Nested
    class HashMap {
        @Test
        void swapLosesAndDuplicatesNothing() {
            LinChecker.check(MapHarness.class, options());
        }
    }

    @Param(name = "value", gen = IntGen.class, conf = "1:5")
    public static class QueueHarness {
        private volatile QueueTable<Integer> table = new QueueTable<>();

        @Operation
        public void push(@Param(name = "value") int value) {
            while (table.append(value, Long.MAX_VALUE) == WriteResult.SEALED) {
                Thread.onSpinWait(); // sealed by a concurrent swap: the fresh table is already installed
            }
        }

        @Operation
        public synchronized List<Integer> drain() { // one drain at a time, as a partition guarantees
            QueueTable<Integer> retired = table;
            table = new QueueTable<>();
            retired.seal();
            return retired.drain();
        }
    }

    /**
     * A queue table with a capacity of 2 items: each write's result (written, filled, full) and
     * each drain's contents must match some one-at-a-time order. So a table never holds more than
     * its capacity, the write that takes the last slot is the one told so, and a refused write
     * never reaches a drain.
     *
     * <p>The capacity stays put here. Writes racing a change of it are judged by the capacity each
     * read as it began, which no one-at-a-time order explains (see "Not promised" in
     * GUARANTEES.md); what such a change may do to a table is checked by {@code QueueTableTests}
     * and {@code CapacityTests}.
     */
    @Param(name = "value", gen = IntGen.class, conf = "1:5")
    public static class BoundedQueueHarness {
        private static final long CAPACITY = 2; // small, so that writers often race for the last place
        private volatile QueueTable<Integer> table = new QueueTable<>();

        @Operation
        public String push(@Param(name = "value") int value) {
            WriteResult result;
            while ((result = table.append(value, CAPACITY)) == WriteResult.SEALED) {
                Thread.onSpinWait();
            }
            return switch (result) {
                case WRITTEN -> "written";
                case FILLED -> "filled";
                case FULL -> "full";
                default -> "unexpected " + result;
            };
        }

        @Operation
        public synchronized List<Integer> drain() {
            QueueTable<Integer> retired = table;
            table = new QueueTable<>();
            retired.seal();
            return retired.drain();
        }
    }

    /**
     * Unbounded: a bounded map table may take one key more per writer racing for its last place
     * (its documented bound), which no one-at-a-time order explains, so its capacity is checked by
     * {@code CapacityTests} and {@code BoundedMemoryTests} instead.
     */
    @Param(name = "key", gen = IntGen.class, conf = "1:3")
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    public static class MapHarness {
        private volatile MapTable<Integer, Integer, TidefallHashMap.Entry<Integer, Integer>> table = new MapTable<>(0, TidefallHashMap.Entry::new);

        /** With a value of its own, so that an overwrite (which takes no guard) shows in what a drain returns. */
        @Operation
        public void put(@Param(name = "key") int key, @Param(name = "value") int value) {
            while (table.put(key, value, Long.MAX_VALUE) == WriteResult.SEALED) {
                Thread.onSpinWait();
            }
        }

        @Operation
        public synchronized List<String> drain() {
            MapTable<Integer, Integer, TidefallHashMap.Entry<Integer, Integer>> retired = table;
            table = new MapTable<>(0, TidefallHashMap.Entry::new);
            retired.seal();
            List<String> entries = new ArrayList<>();
            for (Entry<Integer, Integer> entry : retired.drain()) {
                entries.add(entry.key() + "=" + entry.value());
            }
            entries.sort(null); // a map drains in no particular order
            return entries;
        }
    }
}

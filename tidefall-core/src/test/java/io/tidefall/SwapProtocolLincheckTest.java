package io.tidefall;

import io.tidefall.TidefallHashMap.Entry;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.annotations.Param;
import org.jetbrains.kotlinx.lincheck.paramgen.IntGen;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Model checking of the swap protocol with Lincheck: writers racing a swap-seal-drain, explored
 * interleaving by interleaving. The sequential specification is the harness itself run on one
 * thread: a drain returns exactly what was written since the previous drain. A write lost in a
 * retired table, or drained twice, has no sequential explanation and fails the check.
 *
 * <p>Each harness does what {@link Partition} does: install a fresh table, then seal and drain the
 * retired one; writers retry on the current table when theirs is sealed.
 *
 * <p>Model checking takes minutes on two cores, so it runs in its own profile:
 * {@code ./mvnw -pl tidefall-core test -Pmodel-checking}.
 */
@Tag("model-checking")
class SwapProtocolLincheckTest {

    private static ModelCheckingOptions options() {
        return new ModelCheckingOptions()
                .iterations(5)
                .invocationsPerIteration(200)
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
    }

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
            while (table.append(value, Long.MAX_VALUE) == WriteTable.SEALED) {
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

    @Param(name = "key", gen = IntGen.class, conf = "1:3")
    public static class MapHarness {
        private volatile MapTable<Integer, Integer> table = new MapTable<>(0);

        @Operation
        public void put(@Param(name = "key") int key) {
            while (table.put(key, key, Long.MAX_VALUE) == WriteTable.SEALED) {
                Thread.onSpinWait();
            }
        }

        @Operation
        public synchronized List<Integer> drain() {
            MapTable<Integer, Integer> retired = table;
            table = new MapTable<>(0);
            retired.seal();
            List<Integer> keys = new ArrayList<>();
            for (Entry<Integer, Integer> entry : retired.drain()) {
                keys.add(entry.key());
            }
            keys.sort(null); // a map drains in no particular order
            return keys;
        }
    }
}

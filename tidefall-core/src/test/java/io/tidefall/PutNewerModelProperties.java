package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidefall.TidefallHashMap.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * {@code TidefallHashMap} against a model a few lines long: random sequences of put, putNewer,
 * delete and drain must leave the same reads, return values and drained entries.
 */
class PutNewerModelProperties {

    sealed interface Op permits Put, PutNewer, Delete, Drain {
    }

    record Put(String key, int value) implements Op {
    }

    record PutNewer(String key, int value, long version) implements Op {
    }

    record Delete(String key) implements Op {
    }

    record Drain() implements Op {
    }

    /** What one key holds in the model: the value, its version, how often putNewer replaced it. */
    record Slot(int value, long version, int updates) {
    }

    @Property(tries = 300)
    void behavesLikeTheModel(@ForAll("operations") @Size(max = 60) List<Op> operations) {
        List<Entry<String, Integer>> drained = new ArrayList<>();
        TidefallHashMap<String, Integer> map = TidefallHashMap.<String, Integer>builder("model")
                .partitions(2)
                .executor(Runnable::run)
                .processor(drained::addAll)
                .build();
        Map<String, Slot> model = new HashMap<>();
        List<Entry<String, Integer>> expectedDrained = new ArrayList<>();

        for (Op op : operations) {
            if (op instanceof Put put) {
                map.put(put.key(), put.value());
                model.put(put.key(), new Slot(put.value(), 0, 0));
            } else if (op instanceof PutNewer newer) {
                Slot current = model.get(newer.key());
                boolean expected = current == null || newer.version() > current.version();
                if (expected) {
                    model.put(newer.key(), new Slot(newer.value(), newer.version(), current == null ? 0 : current.updates() + 1));
                }
                assertThat(map.putNewer(newer.key(), newer.value(), newer.version())).as("%s", op).isEqualTo(expected);
            } else if (op instanceof Delete delete) {
                assertThat(map.delete(delete.key())).as("%s", op).isEqualTo(model.remove(delete.key()) != null);
            } else {
                map.flush();
                model.forEach((key, slot) -> expectedDrained.add(new Entry<>(key, slot.value(), slot.version(), slot.updates())));
                model.clear();
            }
            for (String key : List.of("a", "b", "c")) {
                Slot slot = model.get(key);
                assertThat(map.get(key)).as("get(%s) after %s", key, op).isEqualTo(slot == null ? null : slot.value());
            }
            assertThat(map.bufferSize()).isEqualTo(model.size());
        }
        map.close();
        model.forEach((key, slot) -> expectedDrained.add(new Entry<>(key, slot.value(), slot.version(), slot.updates())));
        assertThat(drained).containsExactlyInAnyOrderElementsOf(expectedDrained);
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<String> keys = Arbitraries.of("a", "b", "c");
        Arbitrary<Integer> values = Arbitraries.integers().between(0, 9);
        Arbitrary<Long> versions = Arbitraries.longs().between(-3, 12);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, Combinators.combine(keys, values).as(Put::new)),
                net.jqwik.api.Tuple.of(8, Combinators.combine(keys, values, versions).as(PutNewer::new)),
                net.jqwik.api.Tuple.of(2, keys.map(Delete::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Drain())));
        return op.list();
    }
}

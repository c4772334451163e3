package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidefall.TidefallHashMap.Entry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code TidefallHashMap} against a model a few lines long: random sequences of put, putNewer,
 * delete and drain (seeded, so any failure names the seed that reproduces it) must leave the same
 * reads, return values and drained entries.
 */
class PutNewerModelTests {

    private static final int SEQUENCES = 500;
    private static final List<String> KEYS = List.of("a", "b", "c");

    /** What one key holds in the model: the value, its version, how often putNewer replaced it. */
    private record Slot(int value, long version, int updates) {
    }

    @Test
    void randomOperationSequencesBehaveLikeTheModel() {
        for (long seed = 0; seed < SEQUENCES; seed++) {
            runSequence(new Random(seed), "seed " + seed);
        }
    }

    private static void runSequence(Random random, String seed) {
        // close() drains both partitions at once, on threads of its own.
        List<Entry<String, Integer>> drained = new CopyOnWriteArrayList<>();
        TidefallHashMap<String, Integer> map = TidefallHashMap.<String, Integer>builder("model")
                .partitions(2)
                .executor(Runnable::run)
                .processor(drained::addAll)
                .build();
        Map<String, Slot> model = new HashMap<>();
        List<Entry<String, Integer>> expectedDrained = new ArrayList<>();

        int length = random.nextInt(60);
        for (int step = 0; step < length; step++) {
            String key = KEYS.get(random.nextInt(KEYS.size()));
            int value = random.nextInt(10);
            int dice = random.nextInt(15);
            String op;
            if (dice < 4) {
                op = "put(" + key + ", " + value + ")";
                map.put(key, value);
                model.put(key, new Slot(value, 0, 0));
            } else if (dice < 12) {
                long version = random.nextInt(16) - 3; // -3..12: negative, zero, equal and newer versions
                op = "putNewer(" + key + ", " + value + ", " + version + ")";
                Slot current = model.get(key);
                boolean expected = current == null || version > current.version();
                if (expected) {
                    model.put(key, new Slot(value, version, current == null ? 0 : current.updates() + 1));
                }
                assertThat(map.putNewer(key, value, version)).as("%s, step %d: %s", seed, step, op).isEqualTo(expected);
            } else if (dice < 14) {
                op = "delete(" + key + ")";
                assertThat(map.delete(key)).as("%s, step %d: %s", seed, step, op).isEqualTo(model.remove(key) != null);
            } else {
                op = "flush()";
                map.flush();
                model.forEach((k, slot) -> expectedDrained.add(new Entry<>(k, slot.value(), slot.version(), slot.updates())));
                model.clear();
            }
            for (String k : KEYS) {
                Slot slot = model.get(k);
                assertThat(map.get(k)).as("%s, get(%s) after step %d: %s", seed, k, step, op)
                        .isEqualTo(slot == null ? null : slot.value());
            }
            assertThat(map.bufferSize()).as("%s, bufferSize after step %d: %s", seed, step, op).isEqualTo(model.size());
        }
        map.close();
        model.forEach((k, slot) -> expectedDrained.add(new Entry<>(k, slot.value(), slot.version(), slot.updates())));
        assertThat(drained).as(seed).containsExactlyInAnyOrderElementsOf(expectedDrained);
    }
}

package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidefall.TidefallHashMap.Entry;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HashMap semantics on a manual clock, drains on the ticking thread. */
class TidefallHashMapTests {

    private final ManualScheduler clock = new ManualScheduler();
    private final Batches<Entry<String, String>> batches = new Batches<>();
    private TidefallHashMap<String, String> map;

    @BeforeEach
    void build() {
        map = TidefallHashMap.<String, String>builder("presence")
                .processor(batches)
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingBatchSize(100))
                .executor(Runnable::run)
                .scheduler(clock)
                .build();
        map.start();
    }

    @AfterEach
    void close() {
        map.close();
    }

    private List<Entry<String, String>> drained() {
        clock.advance(Duration.ofSeconds(5));
        return batches.all().stream().sorted(Comparator.comparing(Entry::key)).toList();
    }

    @Test
    void putCoalescesSameKeyWritesLastWriteWins() {
        map.put("u1", "online");
        map.put("u2", "away");
        map.put("u1", "offline");

        assertThat(map.bufferSize()).isEqualTo(2);
        assertThat(drained()).containsExactly(
                new Entry<>("u1", "offline", 0, 0),
                new Entry<>("u2", "away", 0, 0));
    }

    @Test
    void putNewerWritesWhenAbsentAndReplacesOnlyStrictlyNewerVersions() {
        assertThat(map.putNewer("u1", "v10", 10)).isTrue();
        assertThat(map.putNewer("u1", "v5", 5)).isFalse();
        assertThat(map.putNewer("u1", "v10-again", 10)).as("equal is not newer").isFalse();
        assertThat(map.putNewer("u1", "v11", 11)).isTrue();
        assertThat(map.putNewer("u1", "v12", 12)).isTrue();

        assertThat(map.get("u1")).isEqualTo("v12");
        assertThat(drained()).containsExactly(new Entry<>("u1", "v12", 12, 2));
    }

    @Test
    void putNewerWithoutVersionAlwaysBeatsPutAndEarlierCalls() {
        map.put("u1", "plain");
        assertThat(map.putNewer("u1", "first")).isTrue();
        assertThat(map.putNewer("u1", "second")).isTrue();

        Entry<String, String> entry = drained().get(0);
        assertThat(entry.value()).isEqualTo("second");
        assertThat(entry.version()).isPositive();
        assertThat(entry.updates()).isEqualTo(2);
    }

    @Test
    void putNewerLosesToNothingButANewerVersionAndPutOverridesAll() {
        map.putNewer("u1", "v3", 3);
        map.put("u1", "plain"); // last write wins, version back to 0
        assertThat(map.putNewer("u1", "v-1", -1)).as("-1 is not newer than a put's 0").isFalse();

        assertThat(drained()).containsExactly(new Entry<>("u1", "plain", 0, 0));
    }

    @Test
    void versionsDoNotSurviveASwap() {
        map.putNewer("u1", "v10", 10);
        clock.advance(Duration.ofSeconds(5));

        assertThat(map.putNewer("u1", "v1", 1)).as("the fresh table starts empty").isTrue();
    }

    @Test
    void getAndDeleteActOnTheCurrentWriteTableOnly() {
        map.put("u1", "online");
        assertThat(map.get("u1")).isEqualTo("online");
        assertThat(map.get("nobody")).isNull();
        assertThat(map.getOrDefault("nobody", "unknown")).isEqualTo("unknown");
        assertThat(map.getOrDefault("u1", "unknown")).isEqualTo("online");

        clock.advance(Duration.ofSeconds(5));
        assertThat(map.get("u1")).as("swapped out, on its way to the processor").isNull();
        assertThat(map.delete("u1")).isFalse();

        map.put("u2", "away");
        assertThat(map.delete("u2")).isTrue();
        assertThat(map.bufferSize()).isZero();
        assertThat(drained()).extracting(Entry::key).containsExactly("u1");
    }

    @Test
    void aKeyDeletedBeforeTheTickIsNeverDrained() {
        RecordingListener listener = new RecordingListener();
        map.addListener(listener);
        map.put("u1", "x");
        map.flush(); // drains u1
        map.put("u2", "y");
        clock.advance(Duration.ofSeconds(4)); // u2 still buffered
        map.delete("u2");
        assertThat(drained()).extracting(Entry::key).containsExactly("u1");
        assertThat(listener.drainEvents()).containsExactly("drain 0 size 1", "completed 0 size 1 failed 0");
    }

    @Test
    void putAllPutsEveryEntry() {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("a", "1");
        entries.put("b", "2");
        map.putAll(entries);

        assertThat(drained()).extracting(Entry::key).containsExactly("a", "b");
    }

    @Test
    void nullsAreRejectedWithTheirNameAndNothingBufferedIsHarmed() {
        map.put("kept", "value");
        Map<String, String> withNullValue = new LinkedHashMap<>();
        withNullValue.put("first", "ok");
        withNullValue.put("second", null);

        assertThatThrownBy(() -> map.put(null, "v")).isInstanceOf(NullPointerException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> map.put("k", null)).isInstanceOf(NullPointerException.class).hasMessageContaining("value");
        assertThatThrownBy(() -> map.putNewer(null, "v", 1)).hasMessageContaining("key");
        assertThatThrownBy(() -> map.putNewer("k", null)).hasMessageContaining("value");
        assertThatThrownBy(() -> map.get(null)).hasMessageContaining("key");
        assertThatThrownBy(() -> map.delete(null)).hasMessageContaining("key");
        assertThatThrownBy(() -> map.putAll(withNullValue))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("null value");
        assertThatThrownBy(() -> map.putAll(null)).hasMessageContaining("entries");

        assertThat(map.get("first")).as("putAll rejected whole").isNull();
        assertThat(drained()).containsExactly(new Entry<>("kept", "value", 0, 0));
    }
}

package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Sort keys computed at push, on the writer's thread, as Tidefall 1.0's {@code sort_key}. */
class SortKeyTests {

    private final Batches<String> batches = new Batches<>();

    private TidefallQueue.Builder<String> queue() {
        return TidefallQueue.<String>builder("events").partitions(1).executor(Runnable::run)
                .options(BufferOptions.defaults().withProcessingBatchSize(BatchSize.TABLE)).processor(batches);
    }

    @Test
    void eachDrainedTableIsOrderedByKeyWithTiesInPushOrder() {
        TidefallQueue<String> queue = queue().sortKey(item -> item.charAt(0)).build();
        queue.pushAll(List.of("c1", "a1", "b1", "a2", "c2", "a3"));
        queue.flush();
        assertThat(batches.all()).containsExactly("a1", "a2", "a3", "b1", "c1", "c2");
        queue.close();
    }

    @Test
    void theKeyCanCapturePushTimeState() {
        AtomicInteger clock = new AtomicInteger(100);
        TidefallQueue<String> queue = queue().sortKey(item -> -clock.getAndIncrement()).build(); // newest first
        queue.push("first");
        queue.push("second");
        queue.push("third");
        queue.flush();
        assertThat(batches.all()).containsExactly("third", "second", "first");
        queue.close();
    }

    @Test
    void aSortKeyThatThrowsFailsThePushAndWritesNothing() {
        TidefallQueue<String> queue = queue().sortKey(item -> {
            if (item.startsWith("bad")) {
                throw new IllegalArgumentException("no key for " + item);
            }
            return item;
        }).build();
        queue.push("ok");
        assertThatThrownBy(() -> queue.push("bad")).isInstanceOf(IllegalArgumentException.class).hasMessage("no key for bad");
        assertThat(queue.bufferSize()).isEqualTo(1);

        assertThatThrownBy(() -> queue.pushAll(List.of("x", "y", "bad", "z"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(queue.bufferSize()).as("pushAll computes every key before it writes any item").isEqualTo(1);
        queue.flush();
        assertThat(batches.all()).containsExactly("ok");
        queue.close();
    }

    @Test
    void aNullKeyIsRefusedNamingTheSortKey() {
        TidefallQueue<String> queue = queue().sortKey(item -> null).build();
        assertThatThrownBy(() -> queue.push("a")).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("sortKey of buffer 'events' returned null");
        assertThat(queue.bufferSize()).isZero();
        queue.close();
    }

    @Test
    void keysThatCannotBeComparedSendTheTableToTheFailureHandler() {
        Batches<String> deadLetters = new Batches<>();
        TidefallQueue<String> queue = queue().sortKey(item -> item.equals("number") ? (Comparable<?>) 1 : item)
                .failureHandler(failed -> deadLetters.process(failed.elements())).build();
        queue.pushAll(List.of("text", "number"));
        assertThat(queue.flush()).isEqualTo(new FlushResult(0, 2, 0));
        assertThat(deadLetters.all()).containsExactly("text", "number");
        queue.close();
    }

    @Test
    void aBuilderWithBothSortKeyAndOrderingIsRefused() {
        assertThatThrownBy(() -> queue().sortKey(item -> item).ordering(String::compareTo).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'events'").hasMessageContaining("sortKey").hasMessageContaining("ordering");
    }

    @Test
    void pushAllWithARoutingKeyKeepsTheItemsTogetherAndInOrder() {
        TidefallQueue<String> queue = TidefallQueue.<String>builder("events").partitions(8)
                .options(BufferOptions.defaults().withProcessingBatchSize(BatchSize.TABLE)).processor(batches).build();
        List<String> items = List.of("e", "d", "c", "b", "a", "f", "g", "h");
        queue.pushAll(items, "user-42");
        long partitionsUsed = java.util.stream.IntStream.range(0, 8).filter(p -> queue.bufferSize(p) > 0).count();
        assertThat(partitionsUsed).as("one routing key, one partition").isEqualTo(1);
        int partition = java.util.stream.IntStream.range(0, 8).filter(p -> queue.bufferSize(p) > 0).findFirst().orElseThrow();
        queue.push("i", "user-42");
        assertThat(queue.bufferSize(partition)).isEqualTo(9);
        queue.flush();
        assertThat(batches.received).containsExactly(List.of("e", "d", "c", "b", "a", "f", "g", "h", "i"));
        queue.close();
    }

    @Test
    void putAllNewerWritesWhatIsNewerAndSaysHowMany() {
        Batches<TidefallHashMap.Entry<String, Integer>> entries = new Batches<>();
        TidefallHashMap<String, Integer> map = TidefallHashMap.<String, Integer>builder("presence").partitions(2)
                .processor(entries).build();
        map.putNewer("a", 1, 10);
        assertThat(map.putAllNewer(java.util.Map.of("a", 2, "b", 2, "c", 2), 5)).as("'a' holds version 10").isEqualTo(2);
        assertThat(map.putAllNewer(java.util.Map.of("a", 3, "b", 3), 20)).isEqualTo(2);
        assertThatThrownBy(() -> map.putAllNewer(java.util.Collections.singletonMap("d", null), 30))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("key d");
        map.flush();
        assertThat(entries.all()).extracting(e -> e.key() + "=" + e.value() + "@" + e.version())
                .containsExactlyInAnyOrder("a=3@20", "b=3@20", "c=2@5");
        map.close();
    }
}

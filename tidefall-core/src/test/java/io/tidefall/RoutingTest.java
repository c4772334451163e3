package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoutingTest {

    private static TidefallQueue<Integer> queue(int partitions) {
        return TidefallQueue.<Integer>builder("events").processor(batch -> { }).partitions(partitions).build();
    }

    @Test
    void theSameKeyAlwaysLandsOnTheSamePartition() {
        for (int key = 0; key < 1000; key++) {
            int first = Hashing.partitionOf(key, 7);
            assertThat(Hashing.partitionOf(key, 7)).isEqualTo(first).isBetween(0, 6);
        }
    }

    @Test
    void keysWhoseHashesShareLowBitsStillSpreadEvenly() {
        // Multiples of 8 all fall into one partition under hashCode() % 8.
        int[] counts = new int[8];
        IntStream.range(0, 80_000).map(i -> i * 8).forEach(key -> counts[Hashing.partitionOf(key, 8)]++);
        assertThat(IntStream.of(counts).boxed()).allSatisfy(count -> assertThat(count).isBetween(9_000, 11_000));
    }

    @Test
    void itemsRouteByThemselvesByDefault() {
        TidefallQueue<Integer> queue = queue(4);
        for (int i = 0; i < 400; i++) {
            queue.push(i % 10);
        }
        // Ten distinct items, each 40 times, on one partition each: every partition holds whole groups.
        IntStream.range(0, 4).forEach(p -> assertThat(queue.bufferSize(p) % 40).isZero());
        queue.close();
    }

    @Test
    void aPartitionKeyFunctionOrAnExplicitKeyOverridesTheItem() {
        TidefallQueue<Integer> byFunction = TidefallQueue.<Integer>builder("events")
                .processor(batch -> { }).partitions(4).partitionKey(item -> "same").build();
        IntStream.range(0, 100).forEach(byFunction::push);
        assertThat(IntStream.range(0, 4).mapToLong(byFunction::bufferSize)).containsOnlyOnce(100L);
        byFunction.close();

        TidefallQueue<Integer> explicit = queue(4);
        IntStream.range(0, 100).forEach(i -> explicit.push(i, "same"));
        assertThat(IntStream.range(0, 4).mapToLong(explicit::bufferSize)).containsOnlyOnce(100L);
        explicit.close();
    }

    @Test
    void mapKeysRouteTheirWrites() {
        TidefallHashMap<String, Integer> map = TidefallHashMap.<String, Integer>builder("m")
                .processor(batch -> { }).partitions(4).partitionKey(key -> key.charAt(0)).build();
        map.put("a1", 1);
        map.put("a2", 2);
        map.put("a3", 3);
        assertThat(IntStream.range(0, 4).mapToLong(map::bufferSize)).containsOnlyOnce(3L);
        map.close();
    }

    @Test
    void badRoutingInputIsRejectedByName() {
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events")
                .processor(batch -> { }).partitions(4).partitionKey(item -> null).build();
        assertThatThrownBy(() -> queue.push(1)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("partitionKey function of buffer 'events' returned null");
        assertThatThrownBy(() -> queue.push(1, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("partitionKey");
        assertThatThrownBy(() -> queue.push(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("item");
        assertThat(queue.bufferSize()).isZero();
        queue.close();
    }
}

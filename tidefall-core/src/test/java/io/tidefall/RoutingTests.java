package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoutingTests {

    private static TidefallQueue<Integer> queue(int partitions) {
        return TidefallQueue.<Integer>builder("events").processor(batch -> { }).partitions(partitions).build();
    }

    @Test
    void theSameKeyAlwaysLandsOnTheSamePartitionAndKeysUseThemAll() {
        Set<Integer> used = new HashSet<>();
        for (int key = 0; key < 1000; key++) {
            int first = Hashing.partitionOf(key, 7);
            assertThat(Hashing.partitionOf(key, 7)).isEqualTo(first).isBetween(0, 6);
            used.add(first);
        }
        assertThat(used).as("partitions 1,000 keys land on").hasSize(7);
    }

    @Test
    void keysWhoseHashesShareLowBitsStillSpreadEvenly() {
        // Multiples of 8 all fall into one partition under hashCode() % 8.
        int[] counts = new int[8];
        IntStream.range(0, 80_000).map(i -> i * 8).forEach(key -> counts[Hashing.partitionOf(key, 8)]++);
        assertThat(IntStream.of(counts).boxed()).allSatisfy(count -> assertThat(count).isBetween(9_000, 11_000));
    }

    @Test
    void keysWhoseHashesDifferOnlyInHighBitsStillSpreadEvenly() {
        // i << 20 leaves the low 20 bits zero: a spread that keeps only low bits sends all to one partition.
        int[] counts = new int[8];
        IntStream.range(0, 4096).map(i -> i << 20).forEach(key -> counts[Hashing.partitionOf(key, 8)]++);
        assertThat(IntStream.of(counts).boxed()).allSatisfy(count -> assertThat(count).isBetween(448, 576));
    }

    @Test
    void itemsRouteByThemselvesByDefault() {
        TidefallQueue<Integer> queue = queue(4);
        // 100 distinct items, each pushed 4 times: each item's copies land together, and the items use every partition.
        Set<Integer> used = partitionsOfGroups(queue, 100, 4, item -> IntStream.range(0, 4).forEach(copy -> queue.push(item)));
        assertThat(used).as("partitions the items landed on").hasSize(4);
        queue.close();
    }

    @Test
    void aPartitionKeyFunctionOrAnExplicitKeyOverridesTheItem() {
        // The same items, routed by themselves, use every partition ...
        TidefallQueue<Integer> byItem = queue(4);
        assertThat(partitionsOfGroups(byItem, 100, 1, byItem::push)).hasSize(4);
        byItem.close();

        // ... and all land on one when a function or the caller gives them one key.
        TidefallQueue<Integer> byFunction = TidefallQueue.<Integer>builder("events")
                .processor(batch -> { }).partitions(4).partitionKey(item -> "same").build();
        IntStream.range(0, 100).forEach(byFunction::push);
        assertThat(IntStream.range(0, 4).mapToLong(byFunction::bufferSize)).containsOnlyOnce(100L);
        byFunction.close();

        TidefallQueue<Integer> explicit = queue(4);
        IntStream.range(0, 100).forEach(i -> explicit.push(i, "same"));
        assertThat(IntStream.range(0, 4).mapToLong(explicit::bufferSize)).containsOnlyOnce(100L);
        explicit.close();

        // Items that share a key travel together, whatever the items: 100 keys of 5 items each.
        TidefallQueue<Integer> grouped = TidefallQueue.<Integer>builder("events")
                .processor(batch -> { }).partitions(4).partitionKey(item -> "key-" + item / 5).build();
        assertThat(partitionsOfGroups(grouped, 100, 5, key -> IntStream.range(0, 5).forEach(i -> grouped.push(key * 5 + i))))
                .hasSize(4);
        grouped.close();

        TidefallQueue<Integer> explicitlyGrouped = queue(4);
        assertThat(partitionsOfGroups(explicitlyGrouped, 100, 5,
                key -> IntStream.range(0, 5).forEach(i -> explicitlyGrouped.push(i, "key-" + key)))).hasSize(4);
        explicitlyGrouped.close();
    }

    @Test
    void mapKeysRouteTheirWrites() {
        TidefallHashMap<String, Integer> map = TidefallHashMap.<String, Integer>builder("m")
                .processor(batch -> { }).partitions(4).partitionKey(key -> key.charAt(0)).build();
        // 26 groups of keys sharing their first letter: each group on one partition, the groups on all four.
        Set<Integer> used = partitionsOfGroups(map, 26, 3, letter -> {
            for (int i = 1; i <= 3; i++) {
                map.put((char) ('a' + letter) + String.valueOf(i), i);
            }
        });
        assertThat(used).hasSize(4);
        map.close();
    }

    /**
     * Writes {@code groups} groups of {@code perGroup} elements, one group at a time on a buffer
     * that is not started (so nothing drains), and checks that each group landed whole on one
     * partition. Returns the partitions the groups landed on.
     */
    private static Set<Integer> partitionsOfGroups(Buffer buffer, int groups, int perGroup, IntConsumer writeGroup) {
        Set<Integer> used = new HashSet<>();
        for (int group = 0; group < groups; group++) {
            long[] before = sizes(buffer);
            writeGroup.accept(group);
            long[] after = sizes(buffer);
            List<Integer> grew = new ArrayList<>();
            for (int p = 0; p < before.length; p++) {
                if (after[p] != before[p]) {
                    grew.add(p);
                }
            }
            assertThat(grew).as("partitions group %d landed on", group).hasSize(1);
            assertThat(after[grew.get(0)] - before[grew.get(0)]).as("elements of group %d on partition %d", group, grew.get(0))
                    .isEqualTo(perGroup);
            used.add(grew.get(0));
        }
        return used;
    }

    private static long[] sizes(Buffer buffer) {
        return IntStream.range(0, buffer.partitions()).mapToLong(buffer::bufferSize).toArray();
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

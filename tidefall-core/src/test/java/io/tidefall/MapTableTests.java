package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The list a sealed map table drains into: it reads the map only when first read, from whichever
 * thread reads first, so it must give every reader the same, complete contents.
 */
class MapTableTests {

    private static MapTable<Integer, String> sealedTable(int keys) {
        MapTable<Integer, String> table = new MapTable<>(0);
        for (int key = 0; key < keys; key++) {
            assertThat(table.put(key, "v" + key, Long.MAX_VALUE)).isEqualTo(WriteTable.WRITTEN);
        }
        assertThat(table.putNewer(0, "newer", 7, Long.MAX_VALUE)).isEqualTo(WriteTable.WRITTEN);
        table.seal();
        return table;
    }

    @Test
    void theDrainedListHoldsEveryKeyOnceWithItsWinningValue() {
        List<TidefallHashMap.Entry<Integer, String>> drained = sealedTable(5_000).drain();

        assertThat(drained).hasSize(5_000);
        assertThat(drained).extracting(TidefallHashMap.Entry::key).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(range(5_000));
        assertThat(drained).filteredOn(entry -> entry.key() == 0).singleElement()
                .isEqualTo(new TidefallHashMap.Entry<>(0, "newer", 7, 1));
        assertThat(drained).filteredOn(entry -> entry.key() == 42).singleElement()
                .isEqualTo(new TidefallHashMap.Entry<>(42, "v42", 0, 0));
    }

    @Test
    void threadsRacingToReadAFreshDrainedListAllSeeTheSameCompleteContents() throws Exception {
        int readers = 4;
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            for (int round = 0; round < 200; round++) {
                List<TidefallHashMap.Entry<Integer, String>> drained = sealedTable(2_000).drain();
                CountDownLatch go = new CountDownLatch(1);
                List<Future<List<Integer>>> seen = new ArrayList<>();
                for (int r = 0; r < readers; r++) {
                    int first = r * 500; // each starts reading somewhere else, so any of them may fill the list
                    seen.add(pool.submit(() -> {
                        go.await();
                        List<Integer> keys = new ArrayList<>();
                        for (int i = 0; i < drained.size(); i++) {
                            keys.add(drained.get((first + i) % drained.size()).key());
                        }
                        return keys;
                    }));
                }
                go.countDown();
                for (Future<List<Integer>> keys : seen) {
                    assertThat(keys.get(10, TimeUnit.SECONDS)).as("round %d", round)
                            .doesNotContainNull().doesNotHaveDuplicates().hasSize(2_000);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aProcessorCanSortTheDrainedListAndReadWhatItStored() {
        List<TidefallHashMap.Entry<Integer, String>> drained = sealedTable(1_000).drain();

        drained.sort(Comparator.comparing(TidefallHashMap.Entry::key));

        assertThat(drained).extracting(TidefallHashMap.Entry::key).containsExactlyElementsOf(range(1_000));
        assertThat(drained.get(0)).isEqualTo(new TidefallHashMap.Entry<>(0, "newer", 7, 1));
    }

    @Test
    void anIndexOutsideTheDrainedListIsRefusedWithTheIndexAndSize() {
        List<TidefallHashMap.Entry<Integer, String>> drained = sealedTable(3).drain();

        assertThatThrownBy(() -> drained.get(3)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("3").hasMessageContaining("length 3");
        assertThatThrownBy(() -> drained.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static List<Integer> range(int n) {
        List<Integer> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(i);
        }
        return keys;
    }
}

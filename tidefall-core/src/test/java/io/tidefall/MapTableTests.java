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
 * thread reads first, so it must give every reader the same, complete contents; and an overwrite,
 * which takes no guard, must land in that list or be refused, never both and never neither.
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

    @Test
    void anOverwriteHeldUpInItsKeysEqualsPastTheListsFirstReadIsRefusedAndTheListKeepsWhatItRead() throws Exception {
        Overwrite late = Overwrite.start("late");
        late.table.seal(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(late.table.abandoned()).as("writers the seal gave up on: an overwrite holds no guard").isZero();
        List<TidefallHashMap.Entry<HeldKey, String>> drained = late.table.drain();
        assertThat(drained).extracting(TidefallHashMap.Entry::value).containsExactly("before"); // the first read

        assertThat(late.finish()).as("the overwrite, once its equals returns").isEqualTo(WriteTable.SEALED);
        assertThat(drained).extracting(TidefallHashMap.Entry::value).containsExactly("before");
    }

    @Test
    void anOverwriteThatLandsAfterTheSealButBeforeTheListIsFirstReadIsInTheList() throws Exception {
        Overwrite late = Overwrite.start("late");
        late.table.seal(TimeUnit.MILLISECONDS.toNanos(50));
        List<TidefallHashMap.Entry<HeldKey, String>> drained = late.table.drain();

        assertThat(late.finish()).isEqualTo(WriteTable.WRITTEN);
        assertThat(drained).extracting(TidefallHashMap.Entry::value).containsExactly("late");
    }

    /** A table holding "before" for a key, and a writer overwriting it through a held instance of the key. */
    private record Overwrite(MapTable<HeldKey, String> table, HeldKey held, ExecutorService writer, Future<Integer> result) {
        static Overwrite start(String value) throws InterruptedException {
            MapTable<HeldKey, String> table = new MapTable<>(0);
            assertThat(table.put(HeldKey.plain(), "before", Long.MAX_VALUE)).isEqualTo(WriteTable.WRITTEN);
            HeldKey held = HeldKey.held();
            ExecutorService writer = Executors.newSingleThreadExecutor();
            Future<Integer> result = writer.submit(() -> table.put(held, value, Long.MAX_VALUE));
            held.awaitWriterInEquals();
            return new Overwrite(table, held, writer, result);
        }

        /** Lets the held writer go on; its write's result. */
        int finish() throws Exception {
            held.release();
            try {
                return result.get(10, TimeUnit.SECONDS);
            } finally {
                writer.shutdownNow();
            }
        }
    }

    private static List<Integer> range(int n) {
        List<Integer> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            keys.add(i);
        }
        return keys;
    }
}

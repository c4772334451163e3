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

    private static MapTable<Integer, String, TidefallHashMap.Entry<Integer, String>> sealedTable(int keys) {
        MapTable<Integer, String, TidefallHashMap.Entry<Integer, String>> table = new MapTable<>(0, TidefallHashMap.Entry::new);
        for (int key = 0; key < keys; key++) {
            assertThat(table.put(key, "v" + key, Long.MAX_VALUE)).isEqualTo(WriteResult.WRITTEN);
        }
        assertThat(table.putNewer(0, "newer", 7, Long.MAX_VALUE)).isEqualTo(WriteResult.WRITTEN);
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
    void anOverwriteHeldUpInItsKeysEqualsPastTheDrainIsRefusedThoughTheListIsNeverRead() throws Exception {
        Overwrite late = Overwrite.start("late");
        late.table.seal(TimeUnit.MILLISECONDS.toNanos(50));
        assertThat(late.table.abandoned()).as("writers the seal gave up on: an overwrite holds no guard").isZero();
        List<TidefallHashMap.Entry<HeldKey, String>> drained = late.table.drain(); // handed over, not read

        // A list fixed only when first read would take this write after a processor call that did not
        // read it had ended, and no call would ever see it.
        assertThat(late.finish()).as("the overwrite, once its equals returns").isEqualTo(WriteResult.SEALED);
        assertThat(drained).extracting(TidefallHashMap.Entry::value).containsExactly("before");
    }

    @Test
    void anOverwriteThatLandsAfterTheSealButBeforeTheDrainIsInTheList() throws Exception {
        Overwrite late = Overwrite.start("late");
        late.table.seal(TimeUnit.MILLISECONDS.toNanos(50));

        assertThat(late.finish()).isEqualTo(WriteResult.WRITTEN);
        assertThat(late.table.drain()).extracting(TidefallHashMap.Entry::value).containsExactly("late");
    }

    @Test
    void anOverwriteIntoAKeyThatAnAbandonedWriterAddedAfterTheDrainThrowsRatherThanLandingUnseen() throws Exception {
        MapTable<HeldKey, String, TidefallHashMap.Entry<HeldKey, String>> table = new MapTable<>(0, TidefallHashMap.Entry::new);
        HeldKey adding = HeldKey.heldInSecondHashCode(); // the map's lookup hashes it, then putIfAbsent, inside the guard
        ExecutorService writers = Executors.newFixedThreadPool(2);
        try {
            Future<WriteResult> add = writers.submit(() -> table.put(adding, "abandoned", Long.MAX_VALUE));
            adding.awaitWriterHeld();
            assertThat(table.seal(TimeUnit.MILLISECONDS.toNanos(20))).as("the seal gives up on the writer adding a key").isFalse();
            List<TidefallHashMap.Entry<HeldKey, String>> drained = table.drain();
            assertThat(drained).isEmpty();

            adding.release(); // its key's cell appears now, after the drain's walk
            assertThatThrownBy(() -> add.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
            Future<WriteResult> overwrite = writers.submit(() -> table.put(HeldKey.plain(), "overwrite", Long.MAX_VALUE));

            // It finds the cell holding a value, and takes no guard: it must not return as written into
            // a table whose drain has already looked.
            assertThatThrownBy(() -> overwrite.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                    .cause().hasMessageContaining("may or may not be delivered");
            assertThat(drained).isEmpty();
        } finally {
            writers.shutdownNow();
        }
    }

    /** A table holding "before" for a key, and a writer overwriting it through a held instance of the key. */
    private record Overwrite(MapTable<HeldKey, String, TidefallHashMap.Entry<HeldKey, String>> table, HeldKey held, ExecutorService writer, Future<WriteResult> result) {
        static Overwrite start(String value) throws InterruptedException {
            MapTable<HeldKey, String, TidefallHashMap.Entry<HeldKey, String>> table = new MapTable<>(0, TidefallHashMap.Entry::new);
            assertThat(table.put(HeldKey.plain(), "before", Long.MAX_VALUE)).isEqualTo(WriteResult.WRITTEN);
            HeldKey held = HeldKey.held();
            ExecutorService writer = Executors.newSingleThreadExecutor();
            Future<WriteResult> result = writer.submit(() -> table.put(held, value, Long.MAX_VALUE));
            held.awaitWriterHeld();
            return new Overwrite(table, held, writer, result);
        }

        /** Lets the held writer go on; its write's result. */
        WriteResult finish() throws Exception {
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

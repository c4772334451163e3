package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A durable hash map's journal: its operations replayed so that coalescing and newest-version-wins hold across a crash. */
@Timeout(60)
class JournalHashMapTests {

    @TempDir
    Path directory;

    private final ManualScheduler clock = new ManualScheduler();

    private TidefallHashMap.Builder<Integer, Integer> map(int partitions, BatchProcessor<TidefallHashMap.Entry<Integer, Integer>> processor) {
        return TidefallHashMap.<Integer, Integer>builder("presence")
                .partitions(partitions)
                .durability(Durability.PROCESS)
                .journalDirectory(directory)
                .codec(IntCodec.INSTANCE, IntCodec.INSTANCE)
                .options(BufferOptions.defaults().withProcessingBatchSize(BatchSize.TABLE))
                .scheduler(clock)
                .ticker(clock)
                .executor(Runnable::run)
                .processor(processor);
    }

    private Map<Integer, TidefallHashMap.Entry<Integer, Integer>> replayed(int partitions) {
        Batches<TidefallHashMap.Entry<Integer, Integer>> batches = new Batches<>();
        TidefallHashMap<Integer, Integer> map = map(partitions, batches).build();
        map.start();
        map.flush();
        map.close();
        assertThat(batches.all().stream().map(TidefallHashMap.Entry::key)).doesNotHaveDuplicates();
        return batches.all().stream().collect(Collectors.toMap(TidefallHashMap.Entry::key, entry -> entry));
    }

    @Test
    void theNewestVersionWinsAcrossTheCrashAndADeleteActsOnItsOwnTableOnly() {
        List<Runnable> held = new CopyOnWriteArrayList<>();
        TidefallHashMap<Integer, Integer> crashed = map(1, new Batches<>()).executor(held::add).build();
        crashed.start();
        // first table
        crashed.putNewer(1, 10, 5);
        crashed.putNewer(1, 11, 3); // stale: not written, not journaled
        crashed.put(2, 20);
        crashed.put(3, 30);
        crashed.delete(3); // in its own table: key 3 is gone
        crashed.put(4, 40);
        clock.advance(BufferOptions.DEFAULT_PROCESSING_INTERVAL); // swap; the drain is held: the first segment stays
        // second table
        crashed.putNewer(1, 12, 4); // newer in this table, older than the first table's 5
        crashed.delete(4); // the first table's key 4 is on its way to the processor: untouched
        crashed.put(2, 21);
        crashed.putNewer(5, 50, 7);
        crashed.putNewer(5, 51, 9);

        Map<Integer, TidefallHashMap.Entry<Integer, Integer>> delivered = replayed(1);

        assertThat(delivered.keySet()).containsExactlyInAnyOrder(1, 2, 4, 5);
        assertThat(delivered.get(1).value()).as("newest version wins").isEqualTo(10);
        assertThat(delivered.get(1).version()).isEqualTo(5);
        assertThat(delivered.get(2).value()).as("the later put").isEqualTo(21);
        assertThat(delivered.get(4).value()).isEqualTo(40);
        assertThat(delivered.get(5).value()).isEqualTo(51);
    }

    @Test
    void aPutNewerWithoutAVersionBeatsEveryReplayedVersion() {
        TidefallHashMap<Integer, Integer> crashed = map(1, new Batches<>()).build();
        crashed.putNewer(1, 10, Long.MAX_VALUE / 2);

        List<TidefallHashMap.Entry<Integer, Integer>> delivered = new CopyOnWriteArrayList<>();
        TidefallHashMap<Integer, Integer> next = map(1, delivered::addAll).build();
        assertThat(next.putNewer(1, 11)).as("the JVM-wide versions continue above the replayed ones").isTrue();
        next.start();
        next.flush();
        next.close();
        assertThat(delivered).singleElement().extracting(TidefallHashMap.Entry::value).isEqualTo(11);
    }

    @Test
    void aJournalWrittenWithMorePartitionsIsReroutedByTheNewOnes() {
        TidefallHashMap<Integer, Integer> crashed = map(4, new Batches<>()).build();
        IntStream.range(0, 500).forEach(key -> crashed.put(key, key * 2));

        Map<Integer, TidefallHashMap.Entry<Integer, Integer>> delivered = replayed(1);

        assertThat(delivered).hasSize(500);
        delivered.forEach((key, entry) -> assertThat(entry.value()).isEqualTo(key * 2));
    }
}

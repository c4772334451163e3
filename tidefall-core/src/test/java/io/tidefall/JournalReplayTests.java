package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A durable queue's journal across a crash: a buffer that is dropped without {@code close()} (its
 * tables never drained) stands for a process that died, and a new buffer built on the same
 * directory must deliver every write the first one accepted.
 */
@Timeout(60)
class JournalReplayTests {

    @TempDir
    Path directory;

    private final ManualScheduler clock = new ManualScheduler();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final CountDownLatch released = new CountDownLatch(1);

    @AfterEach
    void stopThreads() {
        released.countDown();
        threads.shutdownNow();
    }

    private TidefallQueue.Builder<Integer> queue(int partitions, BatchProcessor<Integer> processor) {
        return TidefallQueue.<Integer>builder("events")
                .partitions(partitions)
                .durability(Durability.PROCESS)
                .journalDirectory(directory)
                .codec(IntCodec.INSTANCE)
                .options(BufferOptions.defaults().withProcessingBatchSize(BatchSize.TABLE))
                .scheduler(clock)
                .ticker(clock)
                .executor(Runnable::run)
                .processor(processor);
    }

    /** A new buffer on the directory, started and flushed: what it delivers. */
    private List<Integer> replayed(int partitions) {
        Batches<Integer> batches = new Batches<>();
        TidefallQueue<Integer> queue = queue(partitions, batches).build();
        queue.start();
        queue.flush();
        queue.close();
        return batches.all();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(path -> path.toString().endsWith(".segment")).sorted().toList();
        }
    }

    /** The segments given to tables (a spare's order number is 0), oldest table first. */
    private List<Path> tableSegments() throws IOException {
        List<Path> given = new ArrayList<>();
        for (Path segment : segments()) {
            if (JournalFrame.read(Files.readAllBytes(segment)).order() != 0) {
                given.add(segment);
            }
        }
        return given;
    }

    @Test
    void everyWriteThatReturnedIsDeliveredByTheNextBufferAndTheSegmentsGo() throws IOException {
        TidefallQueue<Integer> crashed = queue(2, new Batches<>()).build();
        IntStream.range(0, 1_000).forEach(crashed::push);

        assertThat(replayed(2)).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 1_000).boxed().toList());
        assertThat(segments()).as("replayed, delivered, deleted").isEmpty();
    }

    @Test
    void aBufferThatClosedLeavesNothingToReplay() throws IOException {
        Batches<Integer> batches = new Batches<>();
        TidefallQueue<Integer> queue = queue(2, batches).build();
        queue.start();
        IntStream.range(0, 100).forEach(queue::push);
        queue.close();

        assertThat(batches.all()).hasSize(100);
        assertThat(segments()).isEmpty();
        assertThat(replayed(2)).isEmpty();
    }

    @Test
    void aTornTailIsTruncatedAndCountedAndEveryWholeRecordReplayed() throws IOException {
        TidefallQueue<Integer> crashed = queue(1, new Batches<>()).build();
        IntStream.range(0, 10).forEach(crashed::push);
        Path segment = segments().get(0);
        // The process died while writing a record: its frame was claimed for 100 bytes, 6 made it.
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            file.write(ByteBuffer.allocate(14).putInt(JournalFrame.CLAIMED | 100).putInt(12345).put(new byte[6]).flip(),
                    JournalFrame.HEADER + 10 * 12);
        }

        Batches<Integer> batches = new Batches<>();
        TidefallQueue<Integer> next = queue(1, batches).build();
        assertThat(next.journalStats().orElseThrow().tornTails()).isEqualTo(1);
        assertThat(next.journalStats().orElseThrow().damagedSegments()).isZero();
        assertThat(next.journalStats().orElseThrow().replayedRecords()).isEqualTo(10);
        next.start();
        next.flush();
        next.close();
        assertThat(batches.all()).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
        assertThat(directory.resolve("damaged")).doesNotExist();
    }

    /** A committed frame of {@code value}, as a writer that returned leaves it. */
    private static ByteBuffer committed(int value) {
        ByteBuffer frame = ByteBuffer.allocateDirect(12);
        JournalFrame.commit(frame, 0, ByteBuffer.allocate(4).putInt(value).array());
        return frame;
    }

    @Test
    void framesOfSeveralWritersKilledMidWriteAreSkippedAndTheCompleteFramesAfterThemReplay() throws IOException {
        TidefallQueue<Integer> crashed = queue(1, new Batches<>()).build();
        IntStream.range(0, 10).forEach(crashed::push);
        Path segment = segments().get(0);
        // Five writers had reserved the next five frames when the process died. The first had claimed its frame and
        // written half of it, the second had reserved and not yet claimed (zeros), the third had written all but the
        // committed word; the fourth and fifth had returned.
        int tail = JournalFrame.HEADER + 10 * 12;
        ByteBuffer claimedHalf = ByteBuffer.allocate(10).putInt(JournalFrame.CLAIMED | 4).putInt(999).putShort((short) 7);
        ByteBuffer claimedWhole = ByteBuffer.allocate(12).putInt(JournalFrame.CLAIMED | 4).putInt(0).putInt(77);
        try (FileChannel file = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            file.write(claimedHalf.flip(), tail);
            file.write(claimedWhole.flip(), tail + 24);
            file.write(committed(10), tail + 36);
            file.write(committed(11), tail + 48);
        }

        Batches<Integer> batches = new Batches<>();
        TidefallQueue<Integer> next = queue(1, batches).build();
        next.start();
        next.flush();
        next.close();
        assertThat(batches.all()).as("every write that returned, none that did not")
                .containsExactlyElementsOf(IntStream.range(0, 12).boxed().toList());
        assertThat(next.journalStats().orElseThrow().tornTails()).as("one segment with unfinished frames").isEqualTo(1);
        assertThat(next.journalStats().orElseThrow().damagedSegments()).as("a crash is not damage").isZero();
        assertThat(directory.resolve("damaged")).doesNotExist();
    }

    @Test
    void aDamagedRecordMovesItsSegmentAsideAndStartupGoesOnWithTheOthers() throws IOException {
        List<Runnable> held = new CopyOnWriteArrayList<>();
        TidefallQueue<Integer> crashed = queue(1, new Batches<>()).executor(held::add).build();
        crashed.start();
        IntStream.range(0, 5).forEach(crashed::push);
        clock.advance(BufferOptions.DEFAULT_PROCESSING_INTERVAL); // swap: the first table's drain is held, never run
        IntStream.range(5, 10).forEach(crashed::push);
        await().until(() -> segments().size() == 3); // the two tables' segments, and the spare the swap asked for
        List<Path> segments = tableSegments();
        assertThat(segments).hasSize(2);
        byte[] first = Files.readAllBytes(segments.get(0));
        first[JournalFrame.HEADER + JournalFrame.FRAME + 4 + JournalFrame.FRAME] ^= 0x40; // the second record's payload
        Files.write(segments.get(0), first);

        Batches<Integer> batches = new Batches<>();
        TidefallQueue<Integer> next = queue(1, batches).build();
        next.start();
        next.flush();
        next.close();

        assertThat(batches.all()).as("the records before the damage, and every other segment")
                .containsExactly(0, 5, 6, 7, 8, 9);
        assertThat(next.journalStats().orElseThrow().damagedSegments()).isEqualTo(1);
        Path aside = directory.resolve("damaged").resolve(segments.get(0).getFileName());
        assertThat(aside).as("moved aside, never deleted").exists();
        assertThat(Files.readAllBytes(aside)).isEqualTo(first);
        assertThat(segments()).isEmpty();
    }

    @Test
    void aCrashBetweenDeliveryAndTheSegmentsDeletionDeliversAgain() throws InterruptedException {
        List<Integer> deliveredBeforeCrash = new CopyOnWriteArrayList<>();
        TidefallQueue<Integer> crashing = queue(1, batch -> {
            deliveredBeforeCrash.addAll(batch);
            released.await(); // the process dies here: the call never returns, the table never settles
        }).executor(threads).build();
        crashing.start();
        IntStream.range(0, 10).forEach(crashing::push);
        clock.advance(BufferOptions.DEFAULT_PROCESSING_INTERVAL);
        await().until(() -> deliveredBeforeCrash.size() == 10);

        assertThat(replayed(1)).as("delivered, not settled: delivered again, at least once")
                .containsExactlyElementsOf(deliveredBeforeCrash);
    }

    @Test
    void aJournalWrittenWithMorePartitionsIsReroutedByTheNewOnesKeepingEachKeysOrder() {
        TidefallQueue<Integer> crashed = queue(4, new Batches<>()).partitionKey(i -> i % 7).build();
        IntStream.range(0, 700).forEach(crashed::push);

        Batches<Integer> batches = new Batches<>();
        TidefallQueue<Integer> next = queue(3, batches).partitionKey(i -> i % 7).build();
        next.start();
        next.flush();
        next.close();

        assertThat(batches.all()).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 700).boxed().toList());
        for (int key = 0; key < 7; key++) {
            int k = key;
            List<Integer> ofKey = batches.all().stream().filter(i -> i % 7 == k).toList();
            assertThat(ofKey).as("key %d in push order", k).isSorted();
        }
    }

    @Test
    void aDurableBufferWithoutADirectoryOrCodecIsRefusedNamingIt() {
        assertThatThrownBy(() -> TidefallQueue.<Integer>builder("events").durability(Durability.SYNC)
                .codec(IntCodec.INSTANCE).processor(batch -> { }).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Buffer 'events' has durability SYNC, which needs a journalDirectory: set it before build()");
        assertThatThrownBy(() -> TidefallQueue.<Integer>builder("events").durability(Durability.PROCESS)
                .journalDirectory(directory).processor(batch -> { }).build())
                .hasMessage("Buffer 'events' has durability PROCESS, which needs a codec: set it before build()");
    }

    @Test
    void aQueuesJournalIsRefusedByAHashMap() {
        queue(1, new Batches<>()).build().push(1);

        assertThatThrownBy(() -> TidefallHashMap.<Integer, Integer>builder("presence")
                .durability(Durability.PROCESS).journalDirectory(directory)
                .codec(IntCodec.INSTANCE, IntCodec.INSTANCE).processor(batch -> { }).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Buffer 'presence' is a hash map, but its journal directory " + directory
                        + " holds a queue's segment");
    }

    @Test
    void memoryDurabilityWritesNoFile() throws IOException {
        TidefallQueue<Integer> queue = TidefallQueue.<Integer>builder("events").journalDirectory(directory)
                .codec(IntCodec.INSTANCE).processor(batch -> { }).build();
        queue.push(1);

        assertThat(queue.journalStats()).isEmpty();
        try (Stream<Path> files = Files.list(directory)) {
            assertThat(files.toList()).isEmpty();
        }
        queue.close();
    }

    @Test
    void aSortKeyIsComputedAgainOnReplay() {
        TidefallQueue<Integer> crashed = queue(1, new Batches<>()).sortKey(i -> -i).build();
        List<Integer> pushed = new ArrayList<>(List.of(3, 1, 2));
        pushed.forEach(crashed::push);

        Batches<Integer> batches = new Batches<>();
        TidefallQueue<Integer> next = queue(1, batches).sortKey(i -> -i).build();
        next.start();
        next.flush();
        next.close();
        assertThat(batches.all()).containsExactly(3, 2, 1);
    }
}

package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several writers against swaps every millisecond, drains delivering and deleting segments as they
 * go, then a crash half way through the writes: the processor stops returning (nothing settles
 * any more, while the writers go on) and the buffer is dropped without a close. A new buffer on the same directory must deliver every write that
 * returned and was not delivered before the crash.
 */
@Timeout(120)
class JournalHammerTests {

    private static final int WRITERS = 4;

    @TempDir
    Path directory;

    @ParameterizedTest
    @CsvSource({"PROCESS, 25000", "SYNC, 1000"})
    void everyAcceptedWriteSurvivesACrashInTheMiddleOfSwaps(Durability durability, int perWriter) throws Exception {
        Set<Integer> deliveredBeforeCrash = ConcurrentHashMap.newKeySet();
        CountDownLatch crashed = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        TidefallQueue<Integer> crashing = builder(durability)
                .processor(batch -> {
                    if (crashed.getCount() == 0) {
                        released.await(); // dead: this call never returns while the test looks
                        return; // and what it had counts as never delivered
                    }
                    deliveredBeforeCrash.addAll(batch);
                })
                .build();
        crashing.start();

        CountDownLatch halfWay = new CountDownLatch(WRITERS);
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int first = w * perWriter;
            done.add(writers.submit(() -> {
                for (int i = first; i < first + perWriter; i++) {
                    if (i == first + perWriter / 2) {
                        halfWay.countDown();
                        crashed.await(); // so that the crash comes while every writer has half its writes to go
                    }
                    crashing.push(i);
                }
                return null;
            }));
        }
        halfWay.await();
        crashed.countDown(); // in the middle of the writes: from here on nothing settles
        for (Future<?> writer : done) {
            writer.get(); // each push returned: each is promised
        }
        writers.shutdown();

        Set<Integer> deliveredAfterReplay = ConcurrentHashMap.newKeySet();
        TidefallQueue<Integer> next = builder(durability).processor(deliveredAfterReplay::addAll).build();
        next.start();
        next.flush();
        next.close();
        released.countDown();
        crashing.close(Duration.ofSeconds(5));

        Set<Integer> missing = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < WRITERS * perWriter; i++) {
            if (!deliveredBeforeCrash.contains(i) && !deliveredAfterReplay.contains(i)) {
                missing.add(i);
            }
        }
        assertThat(missing).as("accepted, never delivered").isEmpty();
    }

    /**
     * One partition, so that every writer writes into the same mapped segment, and after the crash
     * (no swap can follow a drain that never returns) into one segment that grows part after part
     * under them. Before any replay, each segment's frames are read: every write that returned and
     * was not delivered is in exactly one frame of one segment, none twice in a segment.
     */
    @ParameterizedTest
    @CsvSource({"PROCESS, 25000", "SYNC, 2000"})
    void writersSharingOneMappedSegmentLeaveEachAcceptedWriteInExactlyOneFrame(Durability durability, int perWriter)
            throws Exception {
        Set<Integer> deliveredBeforeCrash = ConcurrentHashMap.newKeySet();
        CountDownLatch crashed = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(1);
        // A limit of 2 MiB makes parts of 512 KiB: the 50,000 writes after the crash (600 KB) need a second part.
        TidefallQueue<Integer> crashing = builder(durability).partitions(1).journalLimit(2 << 20)
                .processor(batch -> {
                    if (crashed.getCount() == 0) {
                        released.await();
                        return;
                    }
                    deliveredBeforeCrash.addAll(batch);
                })
                .build();
        crashing.start();
        CountDownLatch halfWay = new CountDownLatch(WRITERS);
        ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int first = w * perWriter;
            done.add(writers.submit(() -> {
                for (int i = first; i < first + perWriter; i++) {
                    if (i == first + perWriter / 2) {
                        halfWay.countDown();
                        crashed.await();
                    }
                    crashing.push(i);
                }
                return null;
            }));
        }
        halfWay.await();
        crashed.countDown();
        for (Future<?> writer : done) {
            writer.get();
        }
        writers.shutdown();

        Map<Integer, Integer> framesOf = new HashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path segment : files.filter(path -> path.toString().endsWith(".segment")).toList()) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(segment);
                } catch (NoSuchFileException settled) {
                    // A drain called before the crash returned since the listing: its table settled,
                    // its elements are among those delivered (checked below), its segment is gone.
                    continue;
                }
                JournalFrame.Contents contents = JournalFrame.read(bytes);
                assertThat(contents.damaged()).as("%s: %s", segment, contents.problem()).isFalse();
                Set<Integer> inSegment = new HashSet<>();
                for (byte[] payload : contents.payloads()) {
                    int item = IntCodec.INSTANCE.decode(payload);
                    assertThat(inSegment.add(item)).as("%d twice in %s", item, segment).isTrue();
                    framesOf.merge(item, 1, Integer::sum);
                }
            }
        }
        List<Integer> missing = IntStream.range(0, WRITERS * perWriter)
                .filter(i -> !deliveredBeforeCrash.contains(i) && !framesOf.containsKey(i)).boxed().toList();
        assertThat(missing).as("accepted, neither delivered nor in a frame").isEmpty();
        assertThat(framesOf.values()).as("each write in one frame").allMatch(count -> count == 1);

        Set<Integer> replayed = ConcurrentHashMap.newKeySet();
        TidefallQueue<Integer> next = builder(durability).journalLimit(2 << 20).processor(replayed::addAll).build();
        next.start();
        next.flush();
        next.close();
        released.countDown();
        crashing.close(Duration.ofSeconds(5));
        // Looked up in the set (AssertJ's containsAll compares lists, 50,000 x 50,000 items: seconds).
        List<Integer> notReplayed = framesOf.keySet().stream().filter(item -> !replayed.contains(item)).toList();
        assertThat(notReplayed).as("in a frame, not delivered by the replay").isEmpty();
    }

    private TidefallQueue.Builder<Integer> builder(Durability durability) {
        return TidefallQueue.<Integer>builder("events")
                .partitions(2)
                .durability(durability)
                .journalDirectory(directory)
                .codec(IntCodec.INSTANCE)
                .options(BufferOptions.defaults().withProcessingInterval(Duration.ofMillis(1))
                        .withProcessingBatchSize(BatchSize.TABLE));
    }
}

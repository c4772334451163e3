package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A settled segment's file used again for a later table (durability PROCESS): its old records
 * must never come back, and a writer that may still store into it must keep it from being used
 * again. Driven through the journal itself, one frame at a time, so that each case is exact.
 */
@Timeout(30)
class JournalRecyclingTests {

    private static final String BUFFER = "events";

    @TempDir
    Path directory;

    private final List<Journal> journals = new ArrayList<>();

    @AfterEach
    void closeJournals() {
        journals.forEach(Journal::close);
    }

    private Journal journal(long limit) {
        return journal(Durability.PROCESS, limit, JournalFile.Opener.FILES);
    }

    private Journal journal(Durability durability, long limit, JournalFile.Opener files) {
        Journal journal = new Journal(BUFFER, durability, directory, limit, JournalFrame.KIND_QUEUE, files, 1,
                System.getLogger(JournalRecyclingTests.class.getName()));
        journals.add(journal);
        return journal;
    }

    private static void write(JournalSegment segment, int item) {
        byte[] payload = IntCodec.INSTANCE.encode(item);
        long slot = segment.reserve(payload.length, BUFFER);
        assertThat(slot).as("reserved").isNotNegative();
        segment.commit(slot, payload);
    }

    private static List<Integer> records(Path segment) throws IOException {
        JournalFrame.Contents contents = JournalFrame.read(Files.readAllBytes(segment));
        assertThat(contents.damaged()).as(contents.problem()).isFalse();
        return contents.payloads().stream().map(IntCodec.INSTANCE::decode).toList();
    }

    private static boolean isSpare(Path segment) {
        try {
            return JournalFrame.read(Files.readAllBytes(segment)).order() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aSettledSegmentBecomesTheNextTablesSegmentAndItsOldRecordsAreNeverReplayed() throws IOException {
        Journal journal = journal(64L << 20);
        JournalSegment first = journal.openSegment(false);
        IntStream.range(0, 1_000).forEach(item -> write(first, item));
        journal.settled(first);
        await().until(() -> journal.spareCount() > 0);
        assertThat(isSpare(first.path())).as("its header says spare").isTrue();

        JournalSegment next = journal.openSegment(true);
        assertThat(next.path()).as("the settled segment's file, used again").isEqualTo(first.path());
        IntStream.range(5_000, 5_010).forEach(item -> write(next, item));
        assertThat(records(next.path())).as("only the new table's records").containsExactlyElementsOf(
                IntStream.range(5_000, 5_010).boxed().toList());

        // A crash here: a new journal on the directory replays the new records, none of the settled ones.
        List<Integer> replayed = new ArrayList<>();
        journal(64L << 20).recover(payloads -> payloads.forEach(p -> replayed.add(IntCodec.INSTANCE.decode(p))));
        assertThat(replayed).containsExactlyElementsOf(IntStream.range(5_000, 5_010).boxed().toList());
    }

    /**
     * The writer of a durable push reserves its frame, writes the table, then stores the frame; a
     * table can settle in between (the writer was descheduled, or an abandoned writer of a hash
     * map whose key's {@code equals} hung). Its later store must land in a file no table uses.
     */
    @Test
    void aSegmentALateWriterMayStillStoreIntoIsDeletedNotUsedAgain() throws IOException {
        Journal journal = journal(64L << 20);
        JournalSegment first = journal.openSegment(false);
        byte[] late = IntCodec.INSTANCE.encode(-1);
        long lateSlot = first.reserve(late.length, BUFFER); // the first frame: reserved, not stored yet
        IntStream.range(0, 100).forEach(item -> write(first, item));
        journal.settled(first);
        await().until(() -> !Files.exists(first.path()) || journal.spareCount() > 0);

        JournalSegment next = journal.openSegment(true);
        IntStream.range(5_000, 5_100).forEach(item -> write(next, item));
        first.commit(lateSlot, late); // the late writer stores its frame at last
        assertThat(records(next.path())).as("the next table's records, none overwritten")
                .containsExactlyElementsOf(IntStream.range(5_000, 5_100).boxed().toList());
        assertThat(next.path()).isNotEqualTo(first.path());
        assertThat(first.path()).doesNotExist();
    }

    /**
     * A part's last reservation crosses its end: nothing is ever written there, so the writer
     * marks the rest of the part as skipped, and the segment counts as finished (a zero word would
     * look like a frame still being written, and the file would never be used again).
     */
    @Test
    void aReservationThatCrossesTheEndOfAPartMarksTheRestSoTheSegmentIsUsedAgain() throws IOException {
        Journal journal = journal(4096); // parts of 1,024 bytes
        JournalSegment first = journal.openSegment(false);
        byte[] big = new byte[100]; // frames of 108 bytes: the tenth crosses the first part's end
        for (int i = 0; i < 15; i++) {
            long slot = first.reserve(big.length, BUFFER);
            assertThat(slot).isNotNegative();
            first.commit(slot, big);
        }
        journal.settled(first);
        await().until(() -> !Files.exists(first.path()) || journal.spareCount() > 0);
        assertThat(first.path()).as("used again").exists();
        assertThat(journal.openSegment(true).path()).isEqualTo(first.path());
    }

    @Test
    void aUsedAgainFileKeepsAtMostAQuarterOfTheLimitBeyondItsFirstPartAndTheNextTableWritesIntoIt() throws IOException {
        List<Long> extendedAt = new CopyOnWriteArrayList<>();
        Journal journal = journal(Durability.PROCESS, 4L << 20, recyclable(extendedAt, new CopyOnWriteArrayList<>()));
        JournalSegment first = journal.openSegment(false); // parts of 1 MiB; spares may keep 1 MiB beyond their first parts
        IntStream.range(0, 200_000).forEach(item -> write(first, item)); // 2.4 MB: three parts
        assertThat(Files.size(first.path())).isGreaterThanOrEqualTo(3L << 20);
        journal.settled(first);
        await().until(() -> journal.spareCount() > 0);
        assertThat(Files.size(first.path())).as("the first part and one more").isEqualTo(2L << 20);

        extendedAt.clear();
        JournalSegment next = journal.openSegment(true);
        IntStream.range(0, 100_000).forEach(item -> write(next, item)); // 1.2 MB: into the kept part
        assertThat(records(next.path())).hasSize(100_000);
        assertThat(extendedAt).as("the kept part written into as it was mapped, not extended again")
                .doesNotContain(1L << 20);
    }

    /** The file system's file, recyclable, telling where it was extended and what was forced. */
    private static JournalFile.Opener recyclable(List<Long> extendedAt, List<Integer> forcedLengths) {
        return path -> {
            JournalFile file = JournalFile.Opener.FILES.open(path);
            return new JournalFile() {
                @Override
                public MappedByteBuffer extend(long position, int size) throws IOException {
                    extendedAt.add(position);
                    return file.extend(position, size);
                }

                @Override
                public void force(MappedByteBuffer region, int length) throws IOException {
                    forcedLengths.add(length);
                    file.force(region, length);
                }

                @Override
                public boolean recyclable() {
                    return true;
                }

                @Override
                public void truncate(long size, boolean durably) throws IOException {
                    file.truncate(size, durably);
                }

                @Override
                public void close() throws IOException {
                    file.close();
                }
            };
        };
    }

    /**
     * Under SYNC a power loss keeps only what was forced: the zeros that replace a settled table's
     * frames must be on disk before a later table's frames are, or the old frames after the new
     * ones would come back. The recycled file is forced, whole, before a table takes it.
     */
    @Test
    void underSyncTheZeroedFileIsForcedBeforeATableTakesIt() throws IOException {
        List<Integer> forcedLengths = new CopyOnWriteArrayList<>();
        Journal journal = journal(Durability.SYNC, 64L << 20, recyclable(new CopyOnWriteArrayList<>(), forcedLengths));
        JournalSegment first = journal.openSegment(false);
        IntStream.range(0, 1_000).forEach(item -> write(first, item));
        first.force(BUFFER);
        forcedLengths.clear();
        journal.settled(first);
        await().until(() -> journal.spareCount() > 0);

        JournalSegment next = journal.openSegment(true);
        assertThat(next.path()).isEqualTo(first.path());
        assertThat(forcedLengths).as("its spare header first, then the whole first part, zeroed")
                .containsSubsequence(JournalFrame.HEADER, Journal.PART_BYTES);
    }

    /** A crash while a settled segment was being zeroed: its header already says spare, so nothing in it is replayed. */
    @Test
    void aSpareHeaderHidesWhateverFramesAreLeftInTheFile() throws IOException {
        Journal journal = journal(64L << 20);
        JournalSegment segment = journal.openSegment(false);
        IntStream.range(0, 10).forEach(item -> write(segment, item));
        assertThat(records(segment.path())).hasSize(10);

        JournalFrame.spare(segment.first().region); // as recycling starts: then the frames are zeroed
        assertThat(records(segment.path())).isEmpty();
        List<Integer> replayed = new ArrayList<>();
        journal(64L << 20).recover(payloads -> payloads.forEach(p -> replayed.add(IntCodec.INSTANCE.decode(p))));
        assertThat(replayed).isEmpty();
        assertThat(segment.path()).as("a spare left by a crash goes").doesNotExist();
    }
}

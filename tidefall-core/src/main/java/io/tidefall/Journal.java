package io.tidefall;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * A durable buffer's write-ahead journal: a directory of segment files, one per write table
 * ({@link JournalSegment}), each deleted once every element of its table has settled. Our own
 * format rather than a library's: the engine depends on nothing but the JDK, and what it needs (a
 * file per table, appended and deleted whole) is a few hundred lines, where Chronicle Queue brings
 * its own roll cycles, off-heap runtime and JVM flags.
 *
 * <p>Writes ({@link #write}): the record is encoded and its bytes reserved against the limit
 * before the table is written (a full journal answers {@link WriteResult#FULL}, so the overflow
 * policy applies), and appended to the segment of the table that accepted the write before the
 * write returns. The table is written first, so the record goes to the segment of the very table
 * that holds the element; a write the table refuses is never journaled.
 *
 * <p>Recovery ({@link #recover}): the segments found when the journal was opened, in the order
 * they were opened, are read, their records handed to the buffer, which writes them again through
 * its normal write path (so they are journaled again, in the new buffer's own segments, and routed
 * by its own partitions), and then deleted (after a force, under {@link Durability#SYNC}).
 *
 * <p>Shared state: {@code stats} (atomic counters), {@code live} (a concurrent set, changed by
 * swaps and settled drains), {@code sequence} (atomic). {@code replaying} is written by the
 * building thread only, before the buffer is published.
 */
final class Journal {

    private static final String SUFFIX = ".segment";
    private static final String DAMAGED = "damaged";

    private final String buffer;
    private final Durability durability;
    private final Path directory;
    private final long limitBytes;
    private final int kind;
    private final JournalFile.Opener files;
    private final System.Logger log;
    private final JournalStatsCounter stats = new JournalStatsCounter();
    private final Set<JournalSegment> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong sequence;
    /** Segments a previous run left, oldest first; replayed by {@link #recover}. */
    private final List<Path> pending;
    private volatile boolean replaying;
    /** Why the last segment could not be created, or {@code null}; written by whoever opens a segment. */
    private volatile @Nullable String openFailure;

    /** What a buffer type writes into a record for one write: the element, or key, value and version. */
    @FunctionalInterface
    interface Encoder<K, V> {
        byte[] payload(K key, V value, long version);
    }

    Journal(String buffer, Durability durability, Path directory, long limitBytes, int kind, JournalFile.Opener files,
            System.Logger log) {
        this.buffer = buffer;
        this.durability = durability;
        this.directory = directory;
        this.limitBytes = limitBytes;
        this.kind = kind;
        this.files = files;
        this.log = log;
        try {
            Files.createDirectories(directory);
            try (Stream<Path> found = Files.list(directory)) {
                pending = found.filter(path -> path.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Buffer '" + buffer + "' cannot use its journal directory " + directory
                    + ": " + e.getMessage(), e);
        }
        pending.forEach(this::requireKind);
        long last = pending.isEmpty() ? 0 : numberOf(pending.get(pending.size() - 1));
        this.sequence = new AtomicLong(last);
    }

    /** Opens the segment of a fresh write table. */
    JournalSegment openSegment() {
        Path path = directory.resolve(String.format("%019d", sequence.incrementAndGet()) + SUFFIX);
        try {
            JournalFile file = files.open(path);
            byte[] header = JournalFrame.header(kind);
            try {
                file.write(header);
                if (durability == Durability.SYNC) {
                    file.force();
                    forceDirectory();
                }
            } catch (IOException e) {
                file.close();
                Files.deleteIfExists(path);
                throw e;
            }
            JournalSegment segment = new JournalSegment(path, file, header.length, stats);
            stats.bytes.addAndGet(header.length);
            stats.segments.incrementAndGet();
            live.add(segment);
            openFailure = null;
            return segment;
        } catch (IOException e) {
            stats.writeFailures.increment();
            openFailure = path + ": " + e;
            throw new UncheckedIOException("Buffer '" + buffer + "' could not create the journal segment " + path
                    + ": " + e.getMessage(), e);
        }
    }

    /** The new file's name must survive a power loss too: its directory is forced (where the platform can). */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            log.log(System.Logger.Level.DEBUG, "Buffer ''{0}'': cannot force the journal directory {1}: {2}",
                    buffer, directory, e);
        }
    }

    /** {@code plain} with its journal record: what a durable buffer writes instead of {@code plain}. */
    <W extends WriteTable<?>, K, V> PartitionedBuffer.TableWrite<W, K, V> journaled(
            PartitionedBuffer.TableWrite<W, K, V> plain, Encoder<K, V> encoder) {
        return (table, key, value, version, capacity) -> write(table, plain, encoder, key, value, version, capacity);
    }

    /**
     * One journaled write: encode, reserve, write the table, and append the record to the segment
     * of the table that accepted it. See the class comment.
     */
    <W extends WriteTable<?>, K, V> WriteResult write(W table, PartitionedBuffer.TableWrite<W, K, V> plain,
            Encoder<K, V> encoder, K key, V value, long version, long capacity) {
        byte[] record = JournalFrame.frame(encoder.payload(key, value, version));
        if (!reserve(record.length)) {
            return WriteResult.FULL;
        }
        boolean kept = false;
        try {
            // What a previous run accepted is taken back whatever the capacity; the first drain makes room.
            WriteResult result = plain.apply(table, key, value, version, replaying ? Long.MAX_VALUE : capacity);
            if (result.accepted()) {
                JournalSegment segment = table.journalSegment();
                kept = segment != null && segment.append(record, durability == Durability.SYNC && !replaying, buffer);
            }
            return result;
        } finally {
            if (!kept) {
                stats.bytes.addAndGet(-record.length);
            }
        }
    }

    private boolean reserve(int bytes) {
        if (replaying) {
            stats.bytes.addAndGet(bytes); // what a previous run accepted is taken back whatever the limit
            return true;
        }
        for (;;) {
            long now = stats.bytes.get();
            if (now + bytes > limitBytes) {
                return false;
            }
            if (stats.bytes.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** Every element of the table of {@code segment} has settled: the segment goes. */
    void settled(JournalSegment segment) {
        try {
            long freed = segment.delete();
            if (freed > 0) {
                stats.bytes.addAndGet(-freed);
                stats.segments.decrementAndGet();
            }
            live.remove(segment);
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "Buffer ''{0}'': could not delete the settled journal segment {1} "
                    + "({2}); its elements will be replayed, once more, when the buffer is next built",
                    buffer, segment.path(), e);
        }
    }

    /**
     * Replays what a previous run left: each segment's records, oldest segment first, to
     * {@code replay} (which writes them into the buffer), then deletes the segments. A torn tail
     * is truncated and counted; a damaged segment (or one {@code replay} cannot decode) is
     * replayed up to the damage, moved aside into {@code damaged/}, logged and counted. Called
     * once, while the buffer is being built.
     *
     * @throws IllegalStateException when the directory holds another kind of buffer's journal
     */
    void recover(Consumer<List<byte[]>> replay) {
        if (pending.isEmpty()) {
            return;
        }
        replaying = true;
        List<Path> replayed = new ArrayList<>();
        try {
            for (Path path : pending) {
                JournalFrame.Contents contents = read(path); // its kind was checked when the journal was opened
                if (contents == null) {
                    continue; // settled and deleted meanwhile, by a buffer of the previous run that still runs
                }
                boolean damaged = contents.damaged();
                String problem = contents.problem();
                try {
                    replay.accept(contents.payloads());
                    stats.replayed.addAndGet(contents.payloads().size());
                } catch (RuntimeException undecodable) {
                    damaged = true;
                    problem = "its records cannot be decoded: " + undecodable;
                }
                if (damaged) {
                    moveAside(path, problem);
                } else {
                    if (contents.tornTail()) {
                        truncate(path, contents.validBytes());
                    }
                    replayed.add(path);
                }
            }
            if (durability == Durability.SYNC) {
                live.forEach(segment -> segment.force(buffer)); // the replayed records are on disk before their old copies go
            }
        } finally {
            replaying = false;
        }
        for (Path path : replayed) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.log(System.Logger.Level.WARNING, "Buffer ''{0}'': could not delete the replayed journal segment "
                        + "{1} ({2}); it will be replayed again", buffer, path, e);
            }
        }
    }

    /** Refuses a directory holding another kind of buffer's journal before this buffer adds a segment to it. */
    private void requireKind(Path path) {
        byte[] header = new byte[JournalFrame.HEADER];
        int found;
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            if (file.length() < header.length) {
                return;
            }
            file.readFully(header);
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(header);
            if (in.getInt() != JournalFrame.MAGIC) {
                return; // damaged: recover() moves it aside
            }
            found = in.getInt();
        } catch (IOException e) {
            throw new UncheckedIOException("Buffer '" + buffer + "' cannot read its journal segment " + path
                    + ": " + e.getMessage(), e);
        }
        if (found != kind && (found == JournalFrame.KIND_QUEUE || found == JournalFrame.KIND_MAP)) {
            throw new IllegalStateException("Buffer '" + buffer + "' is a " + kindName(kind) + ", but its journal "
                    + "directory " + directory + " holds a " + kindName(found) + "'s segment " + path.getFileName()
                    + ": give each buffer a directory of its own");
        }
    }

    private JournalFrame.@Nullable Contents read(Path path) {
        try {
            return JournalFrame.read(Files.readAllBytes(path));
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("Buffer '" + buffer + "' cannot read its journal segment " + path
                    + ": " + e.getMessage(), e);
        }
    }

    private void truncate(Path path, long validBytes) {
        stats.tornTails.incrementAndGet();
        log.log(System.Logger.Level.INFO, "Buffer ''{0}'': journal segment {1} ended in a record cut by a crash "
                + "(its write never returned); truncated to {2} bytes", buffer, path, validBytes);
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(validBytes);
        } catch (IOException e) {
            log.log(System.Logger.Level.WARNING, "Buffer ''{0}'': could not truncate {1}: {2}", buffer, path, e);
        }
    }

    private void moveAside(Path path, String problem) {
        stats.damaged.incrementAndGet();
        Path aside = directory.resolve(DAMAGED).resolve(path.getFileName());
        try {
            Files.createDirectories(aside.getParent());
            Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
            log.log(System.Logger.Level.ERROR, "Buffer ''{0}'': journal segment {1} is damaged ({2}); the records "
                    + "before the damage were replayed, and the segment was moved to {3}, where it stays", buffer,
                    path, problem, aside);
        } catch (IOException e) {
            log.log(System.Logger.Level.ERROR, "Buffer ''{0}'': journal segment {1} is damaged ({2}) and could not be "
                    + "moved aside ({3}); it stays where it is and will be read again", buffer, path, problem, e);
        }
    }

    JournalStats stats() {
        return new JournalStats(durability, directory, stats.bytes.get(), limitBytes, stats.segments.get(),
                stats.replayed.get(), stats.tornTails.get(), stats.damaged.get(), stats.syncs.sum(),
                stats.syncNanos.sum(), stats.writeFailures.sum(), writeFailure());
    }

    /** Why the journal cannot take writes now: a live segment that refuses appends, else the last segment that could not be created. */
    private @Nullable String writeFailure() {
        for (JournalSegment segment : live) {
            String failure = segment.failure();
            if (failure != null) {
                return failure;
            }
        }
        return openFailure;
    }

    private static long numberOf(Path segment) {
        String name = segment.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String kindName(int kind) {
        return kind == JournalFrame.KIND_QUEUE ? "queue" : kind == JournalFrame.KIND_MAP ? "hash map" : "unknown buffer";
    }
}

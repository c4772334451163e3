package io.tidefall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A durable buffer's write-ahead journal: a directory of segment files, one per write table
 * ({@link JournalSegment}), each deleted (or recycled) once every element of its table has settled. Our own
 * format rather than a library's: the engine depends on nothing but the JDK, and what it needs (a
 * file per table, appended and deleted whole) is a few hundred lines, where Chronicle Queue brings
 * its own roll cycles, off-heap runtime and JVM flags.
 *
 * <p>Writes ({@link #write}): the record is encoded and its frame reserved in the segment of the
 * table being written before the table is written (a full journal answers
 * {@link WriteResult#FULL}, so the overflow policy applies, and a full disk throws, before the
 * table holds anything); then the table is written, and the frame committed (or cancelled, when
 * the table refused) before the write returns. Under {@link Durability#SYNC} the writer then
 * waits for the force of its group.
 *
 * <p>Segments ahead of need: a swap takes a spare segment (created, preallocated, mapped, and
 * under SYNC forced with its directory, on the journal's own thread {@code ahead}) and writes
 * into its header the table's order number; only when no spare is ready does the swap create one
 * itself ({@link JournalSpares}). A part of a segment that fills is made ahead by the same thread.
 *
 * <p>Recycling ({@link JournalSpares#settled}): a settled segment's file, once no late writer can
 * store into it, is zeroed (under SYNC forced) and becomes a spare with its mapped regions: no page
 * fault on the write path, no zero-filling write, no new file and no directory force per swap.
 *
 * <p>The limit counts the bytes of the parts that segments hold (preallocated, so what is on
 * disk). A segment's first part is exempt, so that a swap always gets a table; a spare counts
 * from the moment a table takes it. What a previous run accepted is replayed whatever the limit.
 * Recycled segments keep, beyond their first parts, at most a quarter of the limit between them
 * (spares, and the tables that took them; given back to the file system past that), so the
 * directory holds at most the limit, the first parts, and that quarter.
 *
 * <p>Shared state: {@code stats} (atomic counters), {@code live} (a concurrent set), {@code spares}
 * (see its class), {@code order}, {@code names} (atomic). {@code replaying} is
 * written by the building thread only, before the buffer is published.
 */
final class Journal {

    static final String SUFFIX = ".segment";
    /** The size of a segment's parts (a smaller journal limit makes them a quarter of it). */
    static final int PART_BYTES = 1 << 20;

    private final String buffer;
    private final Durability durability;
    private final Path directory;
    private final long limitBytes;
    private final int kind;
    private final int partBytes;
    private final JournalFile.Opener files;
    private final System.Logger log;
    private final JournalStatsCounter stats = new JournalStatsCounter();
    private final Set<JournalSegment> live = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor ahead;
    private final JournalSpares spares;
    /** The order number of the last table given a segment; replay goes by it. */
    private final AtomicLong order;
    /** The number in the last segment file's name. */
    private final AtomicLong names;
    private final JournalReplay replay;
    private volatile boolean replaying;
    /** Why the last segment could not be created, or {@code null}; written by whoever opens a segment. */
    private volatile @Nullable String openFailure;

    /** What a buffer type writes into a record for one write: the element, or key, value and version. */
    @FunctionalInterface
    interface Encoder<K, V> {
        byte[] payload(K key, V value, long version);
    }

    Journal(String buffer, Durability durability, Path directory, long limitBytes, int kind, JournalFile.Opener files,
            int partitions, System.Logger log) {
        this.buffer = buffer;
        this.durability = durability;
        this.directory = directory;
        this.limitBytes = limitBytes;
        this.kind = kind;
        this.partBytes = (int) Math.min(PART_BYTES, (limitBytes / 4) & ~3L);
        this.files = files;
        this.log = log;
        this.replay = new JournalReplay(buffer, directory, kind, stats, log);
        this.order = new AtomicLong(replay.lastOrder());
        this.names = new AtomicLong(replay.lastName());
        this.ahead = new ThreadPoolExecutor(0, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), task -> {
            Thread thread = new Thread(task, "tidefall-" + buffer + "-journal");
            thread.setDaemon(true);
            return thread;
        });
        this.spares = new JournalSpares(buffer, durability == Durability.SYNC, limitBytes, partitions, ahead, this::create,
                live, log);
    }

    /**
     * The segment of a fresh write table: a spare if one is ready, else one made now.
     *
     * @param swap whether a swap asks (then a spare is made for the next one); the first tables do not
     */
    JournalSegment openSegment(boolean swap) {
        JournalSegment segment = spares.take();
        if (segment == null) {
            segment = create();
        }
        segment.first().region.putLong(JournalFrame.ORDER_OFFSET, order.incrementAndGet()); // forced with its first group
        stats.bytes.addAndGet(segment.bytes());
        stats.segments.incrementAndGet();
        live.add(segment);
        openFailure = null;
        if (swap) {
            spares.afterSwap(segment);
        }
        return segment;
    }

    /** A new segment file: preallocated, mapped, its header written, forced with its directory under SYNC. */
    private JournalSegment create() {
        Path path = directory.resolve(String.format("%019d", names.incrementAndGet()) + SUFFIX);
        JournalFile file = null;
        try {
            for (int taken = 0; file == null; taken++) {
                try {
                    file = files.open(path);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    if (taken > 100) {
                        throw e;
                    }
                    // another buffer (a previous one on this directory, not yet gone) took the name
                    path = directory.resolve(String.format("%019d", names.incrementAndGet()) + SUFFIX);
                }
            }
            JournalPart first = new JournalPart(0, 0, partBytes, file.extend(0, partBytes), JournalFrame.HEADER);
            JournalFrame.header(first.region, kind);
            if (durability == Durability.SYNC) {
                file.force(first.region, JournalFrame.HEADER);
                forceDirectory();
            }
            return new JournalSegment(path, file, first, parts, ahead, partBytes, stats, new JournalPart[0]);
        } catch (IOException | RuntimeException e) {
            try {
                if (file != null) { // made by us: it goes
                    file.close();
                    Files.deleteIfExists(path);
                }
            } catch (IOException ignored) {
                // the creation's failure is what is reported
            }
            stats.writeFailures.increment();
            openFailure = path + ": " + e;
            throw new UncheckedIOException("Buffer '" + buffer + "' could not create the journal segment " + path
                    + ": " + e.getMessage(), e instanceof IOException io ? io : new IOException(e));
        }
    }

    private final JournalSegment.Parts parts = new JournalSegment.Parts() {
        @Override
        public @Nullable JournalPart make(JournalFile file, int index, long base, int size, @Nullable MappedByteBuffer warm)
                throws IOException {
            return part(file, index, base, size, warm);
        }

        @Override
        public void release(JournalPart unused) {
            stats.bytes.addAndGet(-unused.capacity);
        }
    };

    /** A further part of a segment, if the limit allows it (always while replaying): {@code warm} if given, else the file extended. */
    private @Nullable JournalPart part(JournalFile file, int index, long base, int size, @Nullable MappedByteBuffer warm)
            throws IOException {
        if (!replaying) {
            for (;;) {
                long now = stats.bytes.get();
                if (now + size > limitBytes) {
                    return null;
                }
                if (stats.bytes.compareAndSet(now, now + size)) {
                    break;
                }
            }
        } else {
            stats.bytes.addAndGet(size);
        }
        try {
            return new JournalPart(index, base, size, warm != null ? warm : file.extend(base, size), 0);
        } catch (IOException | RuntimeException e) {
            stats.bytes.addAndGet(-size);
            throw e;
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

    /** One journaled write: encode, reserve, write the table, commit or cancel. See the class comment. */
    <W extends WriteTable<?>, K, V> WriteResult write(W table, PartitionedBuffer.TableWrite<W, K, V> plain,
            Encoder<K, V> encoder, K key, V value, long version, long capacity) {
        JournalSegment segment = table.journalSegment();
        // What a previous run accepted is taken back whatever the capacity; the first drain makes room.
        long room = replaying ? Long.MAX_VALUE : capacity;
        if (segment == null) {
            return plain.apply(table, key, value, version, room); // the sealed table of a closed buffer: refused
        }
        byte[] payload = encoder.payload(key, value, version);
        long slot = segment.reserve(payload.length, buffer);
        if (slot == JournalSegment.FULL) {
            return WriteResult.FULL;
        }
        if (slot == JournalSegment.SETTLED) {
            return plain.apply(table, key, value, version, room); // settled, so sealed: refused
        }
        boolean committed = false;
        try {
            WriteResult result = plain.apply(table, key, value, version, room);
            if (result.accepted()) {
                segment.commit(slot, payload);
                committed = true;
                if (durability == Durability.SYNC && !replaying) {
                    segment.awaitForced(buffer);
                }
            }
            return result;
        } finally {
            if (!committed) {
                segment.cancel(slot, payload.length);
            }
        }
    }

    /** Every element of the table of {@code segment} has settled: it takes no more writes, and is recycled or goes ({@link JournalSpares}). */
    void settled(JournalSegment segment) {
        long freed = segment.close();
        if (freed == 0) {
            return; // settled before
        }
        stats.bytes.addAndGet(-freed);
        stats.segments.decrementAndGet();
        live.remove(segment);
        spares.settled(segment);
    }

    /** Spares ready for the next swaps (for tests: a recycled segment is one once it is queued). */
    int spareCount() {
        return spares.count();
    }

    /**
     * Replays what a previous run left ({@link JournalReplay}), writing it through {@code replay}
     * into the buffer's own new segments, which under SYNC are forced before the old ones go.
     * Called once, while the buffer is being built.
     */
    void recover(Consumer<List<byte[]>> into) {
        replaying = true;
        List<Path> replayed;
        try {
            replayed = replay.replay(into);
            if (durability == Durability.SYNC && !replayed.isEmpty()) {
                live.forEach(segment -> segment.force(buffer)); // the replayed records are on disk before their old copies go
            }
        } finally {
            replaying = false;
        }
        replay.delete(replayed);
    }

    /** The buffer closed: spares go, and the thread that made them. */
    void close() {
        spares.closing();
        ahead.shutdown();
        try {
            ahead.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        spares.deleteAll();
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
}

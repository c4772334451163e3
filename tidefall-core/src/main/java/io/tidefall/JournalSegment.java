package io.tidefall;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * The journal of one write table: a file that every write the table accepted is appended to,
 * deleted once every element of the table has settled.
 *
 * <p>Concurrency: {@code lock} (a {@link ReentrantLock}, so that a virtual thread waiting here
 * frees its carrier) guards every field below it. Appends are made under it, one after the other,
 * so the file never has a hole: only its last record can be torn by a crash. A {@code sync}
 * append then waits until a force covers its record (group commit): the first writer that finds
 * no force under way starts one for every record appended so far, and releases the lock while it
 * runs, so the writers that append meanwhile form the next group; each waits on {@code forced}
 * for the force that covers it, never for a later one.
 *
 * <p>Deletion ({@link #delete}) comes after the table was sealed, drained and settled. A writer
 * whose write the table accepted but which reaches the segment only after that finds it
 * {@code closed}: its element has already been delivered (or handed over), so there is nothing
 * left to journal, and its write stands.
 */
final class JournalSegment {

    private final Path path;
    private final JournalFile file;
    private final JournalStatsCounter stats;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition forcedCondition = lock.newCondition();

    // Guarded by lock.
    private long appended;
    private long forced;
    private boolean forcing;
    private boolean closed;
    private @Nullable IOException broken;
    private long bytes;

    JournalSegment(Path path, JournalFile file, long headerBytes, JournalStatsCounter stats) {
        this.path = path;
        this.file = file;
        this.bytes = headerBytes;
        this.stats = stats;
    }

    Path path() {
        return path;
    }

    /**
     * Appends {@code record}; with {@code sync}, returns once it is on stable storage.
     *
     * @return {@code false} when the segment was already settled and deleted (nothing to journal)
     * @throws UncheckedIOException when the record could not be written or forced; the segment
     *     refuses every later append too
     */
    boolean append(byte[] record, boolean sync, String buffer) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (broken == null) {
                try {
                    file.write(record);
                } catch (IOException e) {
                    broken = e;
                }
            }
            if (broken != null) {
                throw failed(buffer, "could not write", broken);
            }
            bytes += record.length;
            long mine = ++appended;
            if (sync) {
                awaitForced(mine, buffer);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Caller holds {@code lock}. Returns once a force covered record {@code mine}, or the segment was settled. */
    private void awaitForced(long mine, String buffer) {
        while (forced < mine && !closed) {
            if (broken != null) {
                throw failed(buffer, "could not force", broken);
            }
            if (forcing) {
                forcedCondition.awaitUninterruptibly(); // the force under way may not cover us: wait, then look again
                continue;
            }
            forcing = true;
            long target = appended;
            IOException failure = null;
            long start = System.nanoTime();
            lock.unlock(); // the writers that append during the force form the next group
            try {
                file.force();
            } catch (IOException e) {
                failure = e;
            } finally {
                lock.lock();
            }
            stats.synced(System.nanoTime() - start);
            forcing = false;
            if (failure != null && !closed) {
                broken = failure;
            } else {
                forced = Math.max(forced, target);
            }
            forcedCondition.signalAll();
        }
    }

    /** Forces everything appended so far (after a replay, before the replayed segments go). */
    void force(String buffer) {
        lock.lock();
        try {
            if (!closed && appended > 0) {
                awaitForced(appended, buffer);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Every element of the segment's table has settled: closes and deletes the file.
     *
     * @return the bytes the segment held, to give back to the journal's limit
     */
    long delete() throws IOException {
        lock.lock();
        try {
            if (closed) {
                return 0;
            }
            closed = true;
            forcedCondition.signalAll(); // a writer waiting for a force has nothing left to wait for
            try {
                file.close();
            } finally {
                Files.deleteIfExists(path);
            }
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes appended so far, header included. */
    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Why this segment refuses appends (it could not write or force a record), or {@code null} while it takes them. */
    @Nullable String failure() {
        lock.lock();
        try {
            return broken == null || closed ? null : path + ": " + broken;
        } finally {
            lock.unlock();
        }
    }

    private UncheckedIOException failed(String buffer, String what, IOException cause) {
        stats.writeFailures.increment();
        return new UncheckedIOException("Buffer '" + buffer + "' " + what + " its journal segment " + path + " ("
                + cause.getMessage() + "): the write was not accepted. It may still be delivered by this process, "
                + "but would not survive a crash", cause);
    }
}

package io.tidefall;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One journal segment's file, as the journal grows and forces it. Records are not written
 * through it: writers store them into the regions it mapped. Tests open it through
 * {@link Opener} to inject faults (a full disk, a slow force).
 */
interface JournalFile extends AutoCloseable {

    /**
     * Writes zeros to {@code [position, position + size)} (so that the file system allocates its
     * blocks now: a full disk fails here, with an exception, and never at a store into the
     * mapping, where it would be a fault) and maps that region for reading and writing.
     */
    MappedByteBuffer extend(long position, int size) throws IOException;

    /** Puts the first {@code length} bytes of {@code region} on stable storage (msync: not interruptible). */
    default void force(MappedByteBuffer region, int length) throws IOException {
        try {
            region.force(0, length);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Whether a settled segment's file may be used again for a later table, its mapped regions
     * with it ({@link JournalSegment#recycle}): only the file system's own file, so that a file a
     * test opens to inject a fault sees every extension.
     */
    default boolean recyclable() {
        return false;
    }

    /**
     * Gives the bytes from {@code size} on back to the file system (no mapping of them is used
     * again); {@code durably}: on stable storage before it returns, so that the records they held
     * cannot come back after a power loss.
     */
    default void truncate(long size, boolean durably) throws IOException {
    }

    /** Closes the file; its mappings stay valid until they are collected. */
    @Override
    void close() throws IOException;

    /** Opens a new segment file. */
    @FunctionalInterface
    interface Opener {
        JournalFile open(Path path) throws IOException;

        Opener FILES = MappedFile::new;
    }

    /**
     * The file system's file. A channel is opened per extension rather than kept: an interrupt
     * of the thread using a channel closes it for every thread, and extensions run on writer
     * threads too; the interrupt status is put aside meanwhile and given back.
     */
    final class MappedFile implements JournalFile {

        private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 << 10);

        private final Path path;

        MappedFile(Path path) throws IOException {
            this.path = path;
            FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
        }

        @Override
        public MappedByteBuffer extend(long position, int size) throws IOException {
            boolean interrupted = Thread.interrupted();
            try {
                for (int attempt = 0;; attempt++) {
                    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                        for (long at = position; at < position + size;) {
                            ByteBuffer zeros = ZEROS.duplicate();
                            zeros.limit((int) Math.min(zeros.capacity(), position + size - at));
                            at += channel.write(zeros, at);
                        }
                        return channel.map(FileChannel.MapMode.READ_WRITE, position, size);
                    } catch (ClosedByInterruptException e) {
                        interrupted = true;
                        Thread.interrupted();
                        if (attempt > 2) {
                            throw e;
                        }
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public boolean recyclable() {
            return true;
        }

        @Override
        public void truncate(long size, boolean durably) throws IOException {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
                if (channel.size() > size) {
                    channel.truncate(size);
                    if (durably) {
                        channel.force(false); // the new size is what reading the data needs: fdatasync keeps it
                    }
                }
            }
        }

        @Override
        public void close() {
            // nothing held open: each extension opened and closed its own channel
        }
    }
}

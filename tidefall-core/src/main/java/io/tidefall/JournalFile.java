package io.tidefall;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * One journal segment's file, as the journal writes it: appends, forces, closes. A
 * {@link RandomAccessFile} rather than a {@code FileChannel}: a channel is closed for every thread
 * when one writer thread is interrupted during a write, and writers are application threads.
 * Tests open it through {@link Opener} to inject faults (a full disk).
 */
interface JournalFile extends AutoCloseable {

    /** Appends all of {@code bytes}, or throws (having written some of them, perhaps). */
    void write(byte[] bytes) throws IOException;

    /** Puts what was written on stable storage (fsync). */
    void force() throws IOException;

    @Override
    void close() throws IOException;

    /** Opens a new segment file for appending. */
    @FunctionalInterface
    interface Opener {
        JournalFile open(Path path) throws IOException;

        Opener FILES = path -> {
            RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw");
            file.seek(file.length());
            return new JournalFile() {
                @Override
                public void write(byte[] bytes) throws IOException {
                    file.write(bytes);
                }

                @Override
                public void force() throws IOException {
                    file.getFD().sync();
                }

                @Override
                public void close() throws IOException {
                    file.close();
                }
            };
        };
    }
}

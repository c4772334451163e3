package io.tidefall.spring.deadletter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes that survive a crash: a file's bytes forced to disk, and a folder's renames forced too. */
final class DurableFiles {

    private DurableFiles() {
    }

    /** Writes {@code bytes} to {@code file} (created or truncated) and forces them to disk before returning. */
    static void write(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
    }

    /** Makes a rename durable; where a directory cannot be opened for that (Windows), the rename stands as written. */
    static void forceDirectory(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException unsupported) {
            // not supported on this platform
        }
    }
}

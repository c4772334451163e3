package io.tidefall.spring.deadletter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes that survive a crash: a file's bytes forced to disk, and a folder's renames forced too.
 * A file is created or replaced whole: written beside it under a {@code .tmp} name, forced, then
 * renamed into place, so that a crash leaves the old file or the new one, never a part of either.
 */
final class DurableFiles {

    private static final String TEMPORARY = ".tmp";

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

    /** Creates {@code file} holding {@code bytes}, durably; {@code false} when a file of that name exists. */
    static boolean create(Path file, byte[] bytes) throws IOException {
        if (Files.exists(file)) {
            return false;
        }
        Path temporary = temporaryFor(file);
        write(temporary, bytes);
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException taken) {
            Files.deleteIfExists(temporary);
            return false;
        }
        forceDirectory(file.getParent());
        return true;
    }

    /** Replaces the content of {@code file} with {@code bytes}, durably. */
    static void replace(Path file, byte[] bytes) throws IOException {
        Path temporary = temporaryFor(file);
        write(temporary, bytes);
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.getParent());
    }

    /** Deletes {@code file}, durably. */
    static void delete(Path file) throws IOException {
        Files.delete(file);
        forceDirectory(file.getParent());
    }

    /** The size of {@code file}, or 0 when it is gone (removed by a replay meanwhile). */
    static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }

    private static Path temporaryFor(Path file) {
        return file.resolveSibling(file.getFileName() + TEMPORARY);
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

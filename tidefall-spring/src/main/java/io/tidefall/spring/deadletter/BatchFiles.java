package io.tidefall.spring.deadletter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The store's batch files: one per failed batch, one JSON line per element, named
 * {@code <epoch millis>-p<partition>-<sequence>.jsonl} so that sorting by name sorts oldest first.
 */
final class BatchFiles {

    static final String SUFFIX = ".jsonl";

    private BatchFiles() {
    }

    /** The name of a batch file written at {@code millis} by {@code partition}, {@code sequence} telling apart those of one millisecond. */
    static String name(long millis, int partition, long sequence) {
        return String.format("%013d-p%d-%06d", millis, partition, sequence % 1_000_000) + SUFFIX;
    }

    static boolean isBatch(Path file) {
        return file.getFileName().toString().endsWith(SUFFIX);
    }

    /** The batch files in {@code folder}, oldest first. */
    static List<Path> in(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(BatchFiles::isBatch).sorted().toList();
        }
    }

    /** When a batch file was written, read from its name; {@code null} for a name the store did not give. */
    static @Nullable Instant writtenAt(Path file) {
        String name = file.getFileName().toString();
        int dash = name.indexOf('-');
        try {
            return dash > 0 ? Instant.ofEpochMilli(Long.parseLong(name.substring(0, dash))) : null;
        } catch (NumberFormatException notOurs) {
            return null;
        }
    }

    /** The elements' lines of a batch file. */
    static List<String> lines(Path file) throws IOException {
        return Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
    }

    /** The elements in a batch file, counted without decoding it; as far as it could be read. */
    static long countLines(Path file) {
        long count = 0;
        byte[] chunk = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(chunk)) > 0) {
                for (int i = 0; i < read; i++) {
                    if (chunk[i] == '\n') {
                        count++;
                    }
                }
            }
        } catch (IOException unreadable) {
            // counted as far as it was read; replay reports it
        }
        return count;
    }
}

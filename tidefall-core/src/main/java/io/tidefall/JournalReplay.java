package io.tidefall;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The segments a previous run left in a journal directory, found when the journal is opened and
 * replayed once, in the order their tables were made (the order number in each header; spares
 * that no table took have none, and nothing in them). Frames a crash left unfinished are skipped
 * and counted; a damaged segment (or one the buffer cannot decode) is replayed up to the damage,
 * moved aside into {@code damaged/}, logged and counted: never deleted, never a reason not to start.
 * Used by the building thread only.
 */
final class JournalReplay {

    private static final String DAMAGED = "damaged";

    /** A segment file and what its header says. */
    private record Found(Path path, long name, long order) {
    }

    private final String buffer;
    private final Path directory;
    private final JournalStatsCounter stats;
    private final System.Logger log;
    /** Oldest table first. */
    private final List<Found> pending;

    JournalReplay(String buffer, Path directory, int kind, JournalStatsCounter stats, System.Logger log) {
        this.buffer = buffer;
        this.directory = directory;
        this.stats = stats;
        this.log = log;
        List<Found> found = new ArrayList<>();
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                for (Path path : files.filter(p -> p.getFileName().toString().endsWith(Journal.SUFFIX)).toList()) {
                    found.add(new Found(path, numberOf(path), orderOf(path, kind)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Buffer '" + buffer + "' cannot use its journal directory " + directory
                    + ": " + e.getMessage(), e);
        }
        found.sort(Comparator.comparingLong(Found::order).thenComparingLong(Found::name));
        this.pending = found;
    }

    long lastOrder() {
        return pending.stream().mapToLong(Found::order).max().orElse(0);
    }

    long lastName() {
        return pending.stream().mapToLong(Found::name).max().orElse(0);
    }

    /** Hands each pending segment's records to {@code into}; returns the segments to delete once they are safe elsewhere. */
    List<Path> replay(Consumer<List<byte[]>> into) {
        List<Path> replayed = new ArrayList<>();
        for (Found segment : pending) {
            Path path = segment.path();
            JournalFrame.Contents contents = read(path);
            if (contents == null) {
                continue; // settled and deleted meanwhile, by a buffer of the previous run that still runs
            }
            boolean damaged = contents.damaged();
            String problem = contents.problem();
            try {
                if (!contents.payloads().isEmpty()) {
                    into.accept(contents.payloads());
                }
                stats.replayed.addAndGet(contents.payloads().size());
            } catch (RuntimeException undecodable) {
                damaged = true;
                problem = "its records cannot be decoded: " + undecodable;
            }
            if (contents.unfinished() > 0) {
                stats.tornTails.incrementAndGet();
                log.log(System.Logger.Level.INFO, "Buffer ''{0}'': journal segment {1} holds {2} frame(s) a crash "
                        + "interrupted (their writes never returned); skipped", buffer, path, contents.unfinished());
            }
            if (damaged) {
                moveAside(path, problem);
            } else {
                replayed.add(path);
            }
        }
        return replayed;
    }

    void delete(List<Path> replayed) {
        for (Path path : replayed) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                log.log(System.Logger.Level.WARNING, "Buffer ''{0}'': could not delete the replayed journal segment "
                        + "{1} ({2}); it will be replayed again", buffer, path, e);
            }
        }
    }

    /**
     * The order number in a segment's header (0 for a spare or an unreadable header: damage is
     * found, and reported, by the replay). Refuses a directory holding another kind of buffer's
     * journal before this buffer adds a segment to it.
     */
    private long orderOf(Path path, int kind) {
        byte[] header = new byte[JournalFrame.HEADER];
        int found;
        long order;
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "r")) {
            if (file.length() < header.length) {
                return 0;
            }
            file.readFully(header);
            ByteBuffer in = ByteBuffer.wrap(header);
            if (in.getInt() != JournalFrame.MAGIC) {
                return 0;
            }
            found = in.getInt();
            order = in.getLong();
        } catch (IOException e) {
            throw new UncheckedIOException("Buffer '" + buffer + "' cannot read its journal segment " + path
                    + ": " + e.getMessage(), e);
        }
        if (found != kind && (found == JournalFrame.KIND_QUEUE || found == JournalFrame.KIND_MAP)) {
            throw new IllegalStateException("Buffer '" + buffer + "' is a " + kindName(kind) + ", but its journal "
                    + "directory " + directory + " holds a " + kindName(found) + "'s segment " + path.getFileName()
                    + ": give each buffer a directory of its own");
        }
        return order;
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

    private static long numberOf(Path segment) {
        String name = segment.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - Journal.SUFFIX.length()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String kindName(int kind) {
        return kind == JournalFrame.KIND_QUEUE ? "queue" : kind == JournalFrame.KIND_MAP ? "hash map" : "unknown buffer";
    }
}

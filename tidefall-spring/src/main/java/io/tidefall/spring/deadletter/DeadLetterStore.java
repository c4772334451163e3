package io.tidefall.spring.deadletter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.unit.DataSize;

import io.tidefall.BatchFailureHandler;
import io.tidefall.Buffer;
import io.tidefall.BufferFullException;
import io.tidefall.FailedBatch;
import io.tidefall.spring.BufferType;
import tools.jackson.databind.ObjectMapper;

/**
 * A {@link BatchFailureHandler} that keeps what a buffer could not deliver in local files, so that
 * it survives the process, and pushes it back into its buffer on {@link #replay(Buffer)}.
 *
 * <p>Layout: one folder per buffer under the store's directory, one file per failed batch, one
 * JSON line per element (see {@link DeadLetterCodec} for the format and how types come back).
 * A batch is written to a temporary file, forced to disk ({@code fsync}), then renamed into place
 * and its folder forced too: once {@link #handle} returns, the batch is on disk whole, and a
 * crash while writing leaves at most a {@code .tmp} file that replay ignores.
 *
 * <p>Size: the files together never exceed {@code maxSize}. A batch that does not fit is refused
 * whole with a {@link DeadLetterStoreFullException} naming the buffer and what to do; the engine
 * logs it and counts it as a failure-handler error.
 *
 * <p>Concurrency: {@link #handle} runs on drain threads of any buffer, concurrently; each call
 * writes its own file, and {@link #usedBytes} is reserved with a compare-and-set before writing,
 * so concurrent batches never exceed the bound together. Replays of one buffer are serialized by
 * a lock per buffer; a replay only reads the files that existed when it started, so batches
 * dead-lettered meanwhile (even those it pushed and that failed again) wait for the next replay.
 */
public class DeadLetterStore implements BatchFailureHandler<Object>, DeadLetters {

    /** The bean name the starter gives the store; the buffers' default failure handler when it exists. */
    public static final String BEAN_NAME = "tidefallDeadLetterStore";

    private static final Log logger = LogFactory.getLog(DeadLetterStore.class);

    private final Path directory;
    private final long maxBytes;
    private final DeadLetterCodec codec;
    private final Clock clock;
    /** Bytes in the store's files: reserved before a file is written, released when one is removed or shrunk. */
    private final AtomicLong usedBytes;
    private final AtomicLong sequence = new AtomicLong();
    private final Map<String, Object> replayLocks = new ConcurrentHashMap<>();
    /**
     * Elements stored per buffer: counted from the files once, when the store opens, then kept by
     * {@link #handle} (after a file is in place) and {@link #replay} (after a file shrank), so
     * gauges and health read it without touching the disk.
     */
    private final Map<String, AtomicLong> stored = new ConcurrentHashMap<>();
    /** The last probe of each buffer's sink, told by the {@link DeadLetterHealer}. */
    private final Map<String, DeadLetterBacklog.Probe> lastProbes = new ConcurrentHashMap<>();

    public DeadLetterStore(Path directory, DataSize maxSize, ObjectMapper mapper, ClassLoader classLoader) {
        this(directory, maxSize, mapper, classLoader, Clock.systemUTC());
    }

    DeadLetterStore(Path directory, DataSize maxSize, ObjectMapper mapper, ClassLoader classLoader, Clock clock) {
        if (maxSize.toBytes() <= 0) {
            throw new IllegalArgumentException("max-size must be positive, but was " + maxSize);
        }
        this.directory = directory.toAbsolutePath().normalize();
        this.maxBytes = maxSize.toBytes();
        this.codec = new DeadLetterCodec(mapper, classLoader);
        this.clock = clock;
        try {
            Files.createDirectories(this.directory);
            if (!Files.isWritable(this.directory)) {
                throw new IOException(this.directory + " is not writable");
            }
            this.usedBytes = new AtomicLong(sizeOf(this.directory));
        } catch (IOException failure) {
            throw new UncheckedIOException("The dead-letter directory " + this.directory + " cannot be created, read or written ("
                    + failure + ")", failure);
        }
        for (String buffer : buffers()) {
            this.stored.put(buffer, new AtomicLong(files(buffer).stream().mapToLong(BatchFiles::countLines).sum()));
        }
    }

    /** The directory holding one folder per buffer. */
    public Path directory() {
        return this.directory;
    }

    /** Bytes the stored dead letters take. */
    public long sizeInBytes() {
        return this.usedBytes.get();
    }

    /** The largest number of bytes the store holds. */
    public long maxSizeInBytes() {
        return this.maxBytes;
    }

    /** Elements stored for {@code buffer}; read from memory, kept as files are written and replayed. */
    @Override
    public long count(String buffer) {
        AtomicLong count = this.stored.get(buffer);
        return count != null ? count.get() : 0;
    }

    @Override
    public DeadLetterBacklog backlog(String buffer) {
        long count = count(buffer);
        Instant oldest = null;
        if (count > 0) {
            List<Path> files = files(buffer);
            if (!files.isEmpty()) {
                oldest = BatchFiles.writtenAt(files.get(0));
            }
        }
        return new DeadLetterBacklog(buffer, count, oldest, this.lastProbes.get(buffer));
    }

    /** Tells the store what the last probe of {@code buffer}'s sink found, for {@link #backlog}. */
    public void probed(String buffer, DeadLetterBacklog.Probe probe) {
        this.lastProbes.put(buffer, probe);
    }

    private AtomicLong storedOf(String buffer) {
        return this.stored.computeIfAbsent(buffer, name -> new AtomicLong());
    }

    /**
     * Writes the batch to disk before returning.
     *
     * @throws DeadLetterStoreFullException when the batch does not fit within the store's size
     * @throws IOException when the file cannot be written; nothing of the batch is kept then
     */
    @Override
    public void handle(FailedBatch<Object> failed) throws IOException {
        if (failed.elements().isEmpty()) {
            return;
        }
        Instant now = this.clock.instant();
        String cause = describe(failed.cause());
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        List<String> unwritable = new ArrayList<>();
        String failedAt = now.toString();
        for (Object element : failed.elements()) {
            try {
                this.codec.encode(element, failed.partition(), failedAt, cause, content);
                content.write('\n');
            } catch (RuntimeException notJson) {
                unwritable.add(element.getClass().getName() + ": " + notJson.getMessage());
            }
        }
        byte[] bytes = content.toByteArray();
        if (bytes.length > 0) {
            reserve(bytes.length, failed);
            boolean written = false;
            try {
                write(folder(failed.buffer()), failed.partition(), bytes);
                written = true;
                storedOf(failed.buffer()).addAndGet(failed.elements().size() - unwritable.size());
            } finally {
                if (!written) {
                    this.usedBytes.addAndGet(-bytes.length);
                }
            }
        }
        if (!unwritable.isEmpty()) {
            throw new IOException(unwritable.size() + " of " + failed.elements().size() + " element(s) of buffer '" + failed.buffer()
                    + "' could not be written as JSON and were not dead-lettered (the others were); first: " + unwritable.get(0));
        }
    }

    private void reserve(long bytes, FailedBatch<Object> failed) throws DeadLetterStoreFullException {
        for (;;) {
            long used = this.usedBytes.get();
            if (used + bytes > this.maxBytes) {
                throw new DeadLetterStoreFullException("The dead-letter store " + this.directory + " is full: it holds " + used
                        + " of its " + this.maxBytes + " bytes (tidefall.dead-letter.max-size), so " + failed.elements().size()
                        + " element(s) of buffer '" + failed.buffer() + "' (partition " + failed.partition() + ", " + bytes
                        + " bytes) were not stored. Replay the stored elements (POST /actuator/tidefall/" + failed.buffer()
                        + "/replay) once the processor works again, or raise tidefall.dead-letter.max-size.");
            }
            if (this.usedBytes.compareAndSet(used, used + bytes)) {
                return;
            }
        }
    }

    /**
     * Pushes the buffer's stored elements back into it, oldest batch first, and removes each file
     * once all its elements are written to the buffer. Queue items are pushed; hash-map entries
     * are written with {@code putNewer(key, value, version)}, so a value the buffer received since
     * wins. When the buffer refuses a write (full past its {@code max-block}, or closed) the replay
     * stops and keeps what it has not written, for the next replay.
     *
     * <p>A replayed element is like any other accepted write: delivered, or dead-lettered again.
     * A crash after an element was written to the buffer but before its file was removed replays
     * it once more, so processors must be idempotent (delivery is at least once).
     */
    @Override
    public ReplayResult replay(Buffer buffer) {
        return replay(buffer, Integer.MAX_VALUE);
    }

    /**
     * {@link #replay(Buffer)} of the oldest {@code files} batch files only: the rest stays stored.
     * The {@link DeadLetterHealer} probes a sink with the oldest batch.
     */
    public ReplayResult replay(Buffer buffer, int files) {
        BufferType type = BufferType.of(buffer);
        synchronized (this.replayLocks.computeIfAbsent(buffer.name(), name -> new Object())) {
            long replayed = 0;
            long superseded = 0;
            long remaining = 0;
            List<String> problems = new ArrayList<>();
            boolean refused = false;
            int opened = 0;
            for (Path file : files(buffer.name())) {
                List<String> lines;
                try {
                    lines = BatchFiles.lines(file);
                } catch (IOException unreadable) {
                    problems.add(file + ": cannot be read (" + unreadable + ")");
                    continue;
                }
                if (refused || opened >= files) {
                    remaining += lines.size();
                    continue;
                }
                List<Object> letters;
                try {
                    letters = decode(lines, buffer, type);
                } catch (IllegalArgumentException | tools.jackson.core.JacksonException unusable) {
                    problems.add(file + ": " + unusable.getMessage() + "; the file is kept");
                    remaining += lines.size();
                    continue;
                }
                opened++; // a file that cannot be read does not count towards the files asked for
                int written = 0;
                try {
                    for (Object letter : letters) {
                        if (type.writeBack(buffer, letter)) {
                            replayed++;
                        } else {
                            superseded++;
                        }
                        written++;
                    }
                } catch (BufferFullException | IllegalStateException refusal) {
                    refused = true;
                    problems.add("buffer '" + buffer.name() + "' refused a replayed element (" + refusal.getMessage()
                            + "); the rest stays stored for the next replay");
                }
                try {
                    keepOnly(file, lines.subList(written, lines.size()));
                    storedOf(buffer.name()).addAndGet(-written);
                } catch (IOException failure) {
                    // Its elements are in the buffer now: a later replay offers them again (at least once).
                    problems.add(file + ": replayed, but could not be removed (" + failure + ")");
                }
                remaining += lines.size() - written;
            }
            ReplayResult result = new ReplayResult(buffer.name(), replayed, superseded, remaining, List.copyOf(problems));
            if (logger.isInfoEnabled() && (replayed > 0 || superseded > 0 || !problems.isEmpty())) {
                logger.info("Replayed " + replayed + " dead-lettered element(s) into buffer '" + buffer.name() + "'"
                        + (superseded > 0 ? ", " + superseded + " superseded by newer values" : "")
                        + (remaining > 0 ? ", " + remaining + " still stored" : "")
                        + (problems.isEmpty() ? "" : "; problems: " + problems));
            }
            return result;
        }
    }

    /** Names of the buffers that have a folder in the store, stored elements or not. */
    public List<String> buffers() {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(this.directory, Files::isDirectory)) {
            for (Path folder : folders) {
                names.add(BufferFolders.decode(folder.getFileName().toString()));
            }
        } catch (IOException | IllegalArgumentException unreadable) {
            logger.warn("Cannot list the dead-letter directory " + this.directory, unreadable);
        }
        names.sort(null);
        return names;
    }

    /** The elements of {@code lines}, each of the form {@code type} holds ({@code type} is {@code null} for an unknown kind of buffer). */
    private List<Object> decode(List<String> lines, Buffer buffer, @Nullable BufferType type) {
        List<Object> letters = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            Object letter;
            try {
                letter = this.codec.decode(lines.get(i));
            } catch (RuntimeException unusable) {
                throw new IllegalArgumentException("line " + (i + 1) + " cannot be read back: " + unusable.getMessage(), unusable);
            }
            if (type == null || !type.holds(letter)) {
                throw new IllegalArgumentException("line " + (i + 1) + " holds a " + BufferType.holding(letter).elementDescription()
                        + ", but buffer '" + buffer.name() + "' is a " + buffer.getClass().getSimpleName());
            }
            letters.add(letter);
        }
        return letters;
    }

    private Path folder(String buffer) {
        return this.directory.resolve(BufferFolders.encode(buffer));
    }

    /** The buffer's batch files, oldest first (their names start with the time they were written). */
    List<Path> files(String buffer) {
        Path folder = folder(buffer);
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try {
            return BatchFiles.in(folder);
        } catch (IOException unreadable) {
            throw new UncheckedIOException("Cannot list the dead letters of buffer '" + buffer + "' in " + folder, unreadable);
        }
    }

    private void write(Path folder, int partition, byte[] bytes) throws IOException {
        Files.createDirectories(folder);
        while (!DurableFiles.create(folder.resolve(BatchFiles.name(this.clock.millis(), partition, this.sequence.incrementAndGet())), bytes)) {
            // that name is taken: the next sequence number
        }
    }

    /** Keeps {@code lines} of {@code file}: removes it when none is left, else replaces it durably. */
    private void keepOnly(Path file, List<String> lines) throws IOException {
        long before = Files.size(file);
        if (lines.isEmpty()) {
            DurableFiles.delete(file);
            this.usedBytes.addAndGet(-before);
            return;
        }
        byte[] bytes = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        if (bytes.length != before) {
            DurableFiles.replace(file, bytes);
            this.usedBytes.addAndGet(bytes.length - before);
        }
    }

    private static long sizeOf(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory, 2)) {
            return files.filter(BatchFiles::isBatch).mapToLong(DurableFiles::sizeOrZero).sum();
        }
    }

    private static String describe(@Nullable Throwable cause) {
        if (cause == null) {
            return "unknown";
        }
        String message = cause.getMessage();
        return cause.getClass().getName() + (message != null ? ": " + message : "");
    }
}

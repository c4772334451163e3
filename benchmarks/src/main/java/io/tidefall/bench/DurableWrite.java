package io.tidefall.bench;

import io.tidefall.Durability;
import io.tidefall.ElementCodec;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.journal.JsonElementCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import tools.jackson.databind.json.JsonMapper;

/**
 * A durable queue's push against a memory one: distinct items, the default partition count, a
 * journal in a fresh directory per iteration (under {@code -Dbench.journal.dir}, default the
 * temporary directory). Run {@code durability=memory} and {@code process} side by side at
 * {@code -t 1} and {@code -t 2}; {@code sync} at {@code -t 16}, once in throughput mode and once in
 * sample mode for the latency percentiles.
 *
 * <p>{@code codec=binary} (the default): the items are distinct {@code Integer}s, journaled as four
 * bytes. {@code codec=jackson}: the items are distinct {@link PageView} records, journaled by the
 * starter's {@link JsonElementCodec} with a default {@link JsonMapper} (about 55 bytes of JSON each),
 * as a Spring application's durable buffer of records runs; its memory row pushes the same records.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DurableWrite {

    /** Integers as four big-endian bytes: the binary codec (shifts, not a ByteBuffer per call, as a binary codec would be written). */
    static final ElementCodec<Object> BINARY = new ElementCodec<>() {
        @Override
        public byte[] encode(Object element) {
            int value = (Integer) element;
            return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        }

        @Override
        public Object decode(byte[] bytes) {
            return ByteBuffer.wrap(bytes).getInt();
        }
    };

    /** A record as the sample journals: an id, a path and a time. */
    public record PageView(long id, String path, long at) {
    }

    @State(Scope.Benchmark)
    public static class Subject {
        @Param({"memory", "process", "sync"})
        String durability;

        @Param({"binary"})
        String codec;

        @Param({"100ms"})
        String interval;

        TidefallQueue<Object> queue;
        Path directory;
        /** Whether the items are records (the Jackson codec's); read on every push, so decided once. */
        boolean records;

        @Setup(Level.Iteration)
        public void start() throws IOException {
            Path parent = Path.of(System.getProperty("bench.journal.dir", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(parent);
            directory = Files.createTempDirectory(parent, "tidefall-journal-");
            records = "jackson".equals(codec);
            queue = Fixtures.partitioned(TidefallQueue.builder("bench-durable"))
                    .durability(Durability.valueOf(durability.toUpperCase(Locale.ROOT)))
                    .journalDirectory(directory)
                    .journalLimit(4L << 30)
                    .codec(codec())
                    .processor(elements -> { })
                    .options(Fixtures.options(interval, "1000"))
                    .build();
            queue.start();
        }

        @SuppressWarnings("unchecked")
        private ElementCodec<Object> codec() {
            return switch (codec) {
                case "binary" -> BINARY;
                case "jackson" -> (ElementCodec<Object>) (ElementCodec<?>) JsonElementCodec.of(JsonMapper.builder().build(),
                        PageView.class);
                default -> throw new IllegalArgumentException("codec must be binary or jackson, not '" + codec + "'");
            };
        }

        @TearDown(Level.Iteration)
        public void close() throws IOException {
            queue.close();
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> {
                    try {
                        Files.delete(path);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    /** Each thread's items: the keys of {@link MapWrite.Keys}, and a record made of each. */
    @State(Scope.Thread)
    public static class Items {
        final MapWrite.Keys keys = new MapWrite.Keys();
        PageView[] records;
        int next;

        @Setup(Level.Trial)
        public void fill() {
            keys.fill();
            records = new PageView[keys.keys.length];
            for (int i = 0; i < records.length; i++) {
                int id = keys.keys[i];
                records[i] = new PageView(id, "/articles/" + Integer.toHexString(id), 1_780_000_000_000L + i);
            }
        }

        Object next(Subject s) {
            return s.records ? records[next++ & (records.length - 1)] : keys.next();
        }
    }

    @Benchmark
    public void push(Subject s, Items items) {
        s.queue.push(items.next(s));
    }
}

package io.tidefall.bench;

import io.tidefall.Durability;
import io.tidefall.ElementCodec;
import io.tidefall.TidefallQueue;
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

/**
 * A durable queue's push against a memory one: distinct items, the default partition count, a
 * four-byte binary codec, a journal in a fresh directory per iteration (under
 * {@code -Dbench.journal.dir}, default the temporary directory). Run {@code durability=memory} and
 * {@code process} side by side at {@code -t 1} and {@code -t 2}; {@code sync} at {@code -t 16},
 * once in throughput mode and once in sample mode for the latency percentiles.
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

    @State(Scope.Benchmark)
    public static class Subject {
        @Param({"memory", "process", "sync"})
        String durability;

        @Param({"100ms"})
        String interval;

        TidefallQueue<Object> queue;
        Path directory;

        @Setup(Level.Iteration)
        public void start() throws IOException {
            Path parent = Path.of(System.getProperty("bench.journal.dir", System.getProperty("java.io.tmpdir")));
            Files.createDirectories(parent);
            directory = Files.createTempDirectory(parent, "tidefall-journal-");
            queue = Fixtures.partitioned(TidefallQueue.builder("bench-durable"))
                    .durability(Durability.valueOf(durability.toUpperCase(Locale.ROOT)))
                    .journalDirectory(directory)
                    .journalLimit(4L << 30)
                    .codec(BINARY)
                    .processor(elements -> { })
                    .options(Fixtures.options(interval, "1000"))
                    .build();
            queue.start();
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

    @Benchmark
    public void push(Subject s, MapWrite.Keys items) {
        s.queue.push(items.next());
    }
}

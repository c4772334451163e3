package io.tidefall.bench;

import io.tidefall.Durability;
import io.tidefall.ElementCodec;
import io.tidefall.TidefallQueue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * {@code sync} pushes from 16 virtual threads, each timing its own pushes: what JMH (platform
 * threads only) cannot run. Needs JDK 21 or later at run time (the executor is looked up
 * reflectively, so the module stays Java 17 source):
 * <pre>
 *   $JDK25/bin/java -XX:StartFlightRecording:filename=vt.jfr,settings=profile,+jdk.VirtualThreadPinned#enabled=true,+jdk.VirtualThreadPinned#threshold=0ms \
 *       -cp benchmarks/target/benchmarks.jar io.tidefall.bench.VirtualSyncLatency benchmarks/target
 *   $JDK25/bin/jfr print --events jdk.VirtualThreadPinned vt.jfr
 * </pre>
 */
public final class VirtualSyncLatency {

    private VirtualSyncLatency() {
    }

    public static void main(String[] args) throws Exception {
        Path parent = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        Path directory = Files.createTempDirectory(parent, "tidefall-vt-journal-");
        TidefallQueue<String> queue = TidefallQueue.<String>builder("vt").durability(Durability.SYNC)
                .journalDirectory(directory).codec(ElementCodec.utf8()).processor(batch -> { }).build();
        queue.start();
        int threads = 16;
        int perThread = 2_000;
        long[][] nanos = new long[threads][perThread];
        ExecutorService pool = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int writer = t;
            pool.execute(() -> {
                for (int i = 0; i < perThread; i++) {
                    long before = System.nanoTime();
                    queue.push(writer + ":" + i);
                    nanos[writer][i] = System.nanoTime() - before;
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - start) / 1e9;
        queue.close();
        long[] all = Arrays.stream(nanos).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("%d virtual threads, %d sync pushes in %.2f s: %.0f ops/s; p50 %.2f ms, p90 %.2f ms, "
                + "p99 %.2f ms, p99.9 %.2f ms%n", threads, all.length, seconds, all.length / seconds,
                all[all.length / 2] / 1e6, all[(int) (all.length * 0.9)] / 1e6, all[(int) (all.length * 0.99)] / 1e6,
                all[(int) (all.length * 0.999)] / 1e6);
    }
}

package io.tidefall.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidefall.TidefallQueue;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The benchmarks' copy of the engine's routing ({@link Routing}) must send every key where a
 * buffer does, or the routed ceilings would measure another spread than the engine's. Checked
 * through the public API: each element is pushed alone, and the partition whose size grew is the
 * one the engine chose.
 */
class RoutingTests {

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 7, 16})
    void theCopyRoutesEveryKeyToThePartitionTheEngineChooses(int partitions) {
        TidefallQueue<Object> queue = TidefallQueue.builder("routing").partitions(partitions).processor(batch -> { }).build();
        try {
            List<Object> keys = IntStream.range(0, 2_000).boxed()
                    .<Object>mapMulti((i, sink) -> {
                        sink.accept(i);
                        sink.accept(i * 65_536); // differs only in the high half of the hash
                        sink.accept("page-" + i);
                        sink.accept((long) i << 40);
                    })
                    .toList();
            for (Object key : keys) {
                long[] before = sizes(queue);
                queue.push(key);
                long[] after = sizes(queue);
                int chosen = IntStream.range(0, partitions).filter(p -> after[p] > before[p]).findFirst().orElseThrow();
                assertThat(Routing.partitionOf(key, partitions)).as("partition of %s", key).isEqualTo(chosen);
            }
        } finally {
            queue.close();
        }
    }

    private static long[] sizes(TidefallQueue<Object> queue) {
        return IntStream.range(0, queue.partitions()).mapToLong(queue::bufferSize).toArray();
    }
}

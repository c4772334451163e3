package io.tidefall.bench;

import io.tidefall.BatchSize;
import io.tidefall.BufferBuilder;
import io.tidefall.BufferOptions;
import io.tidefall.TidefallHashMap;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/** Shared, pre-built inputs, so that no benchmark measures the allocation of its own arguments. */
final class Fixtures {

    private Fixtures() {
    }

    /** The item every queue benchmark writes: one shared object, so the only allocation is the container's. */
    static final Object ITEM = new Object();

    /** Ten items for {@code pushAll}. */
    static final List<Object> TEN = List.of(ITEM, ITEM, ITEM, ITEM, ITEM, ITEM, ITEM, ITEM, ITEM, ITEM);

    /** The value every map benchmark writes. */
    static final Object VALUE = new Object();

    /** Map keys are uniform in [0, KEY_SPACE). */
    static final int KEY_SPACE = 100_000;

    /** Every key boxed once (the Integer cache stops at 127). */
    static final Integer[] BOXED = new Integer[KEY_SPACE];

    static {
        for (int i = 0; i < KEY_SPACE; i++) {
            BOXED[i] = i;
        }
    }

    /** A per-thread sequence of uniform random keys, cycled through; long enough to defeat branch and cache patterns. */
    static Integer[] randomKeys(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Integer[] keys = new Integer[1 << 16];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = BOXED[random.nextInt(KEY_SPACE)];
        }
        return keys;
    }

    /**
     * What a processor that reads its batch leaves behind: a field JIT cannot prove unused, so the
     * reads are not optimised away. Written by drain threads; never read by the benchmarks.
     */
    static volatile int sink;

    /**
     * A processor that reads every element it is given, as a real one does: each map entry's key
     * and value, each queue item. It is what shows the cost that a lazily read batch defers from
     * the drain to the processor.
     */
    static <E> void readAll(List<E> batch) {
        int hash = 0;
        for (E element : batch) {
            hash += System.identityHashCode(element instanceof TidefallHashMap.Entry<?, ?> entry
                    ? entry.key() : element);
        }
        sink = hash;
    }

    /**
     * {@code builder} with the partition count users get: the builder's default (one per processor),
     * unless the system property {@code bench.partitions} says otherwise (for a fork, through JMH's
     * {@code -jvmArgsAppend -Dbench.partitions=1}), to see what routing over several partitions costs.
     */
    static <B extends BufferBuilder<?, B>> B partitioned(B builder) {
        Integer partitions = Integer.getInteger("bench.partitions");
        return partitions == null ? builder : builder.partitions(partitions);
    }

    /** The options every write benchmark's buffer runs with: swaps every {@code interval}, chunks of {@code batch}. */
    static BufferOptions options(String interval, String batch) {
        return BufferOptions.defaults()
                .withProcessingInterval(parse(interval))
                .withProcessingBatchSize(BatchSize.parse(batch));
    }

    /** "1ms", "5s", "250ms". */
    static Duration parse(String interval) {
        String s = interval.trim().toLowerCase();
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
        }
        throw new IllegalArgumentException("interval must look like 1ms or 5s, but was " + interval);
    }
}

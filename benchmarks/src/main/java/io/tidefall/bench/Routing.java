package io.tidefall.bench;

/**
 * The engine's routing ({@code io.tidefall.Hashing.partitionOf}, package-private there), copied
 * so that the routed ceilings of {@link Paired} spread their writes exactly as a buffer does, and
 * the partition count a buffer gets by default. Keep it equal to the engine's: a cheaper copy
 * would flatter the ceilings.
 */
final class Routing {

    private Routing() {
    }

    /** The partition of {@code key} among {@code partitions}, as the engine computes it. */
    static int partitionOf(Object key, int partitions) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x9E3779B9;
        return (int) (((h & 0xFFFFFFFFL) * partitions) >>> 32);
    }

    /** The partitions of a buffer built by {@link Fixtures#partitioned}: the builder's default unless {@code bench.partitions} says otherwise. */
    static int partitions() {
        return Integer.getInteger("bench.partitions", Runtime.getRuntime().availableProcessors());
    }
}

package io.tidefall;

/** Routing: from a routing key to a partition index, the same index every time. */
final class Hashing {

    private Hashing() {
    }

    /**
     * Maps {@code key} to {@code [0, partitions)}. The hash's high half is folded into its low
     * half, then multiplied by the golden ratio (Fibonacci hashing) and scaled onto the partition
     * count by a multiply-shift, which is cheaper than a modulo. Every bit of the hash reaches the
     * top bits of the product that the scaling keeps, so keys whose hashes differ only in high or
     * only in low bits still spread ({@code RoutingTests}).
     *
     * <p>Why not a full avalanche (MurmurHash3's finaliser, which this replaced): routing needs an
     * even spread, not independent bits, and the hash sits on every write's critical path, ahead
     * of the table's one atomic instruction; two multiplications fewer made a routed push about a
     * tenth faster (docs/PERFORMANCE.md).
     */
    static int partitionOf(Object key, int partitions) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x9E3779B9;
        return (int) (((h & 0xFFFFFFFFL) * partitions) >>> 32);
    }
}

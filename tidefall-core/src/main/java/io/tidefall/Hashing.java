package io.tidefall;

/** Routing: from a routing key to a partition index, the same index every time. */
final class Hashing {

    private Hashing() {
    }

    /**
     * Maps {@code key} to {@code [0, partitions)}. The key's hash is mixed (MurmurHash3's
     * finaliser) so that keys whose hashes differ only in high or low bits still spread, then
     * scaled by a multiply-shift, which is cheaper than a modulo and unbiased enough.
     */
    static int partitionOf(Object key, int partitions) {
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return (int) (((h & 0xFFFFFFFFL) * partitions) >>> 32);
    }
}

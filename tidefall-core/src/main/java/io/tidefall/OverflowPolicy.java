package io.tidefall;

/**
 * What a write does when its partition's write table holds {@link BufferOptions#capacity()}
 * elements. In every case the partition is asked to drain at once, without waiting for its tick.
 */
public enum OverflowPolicy {

    /** Wait until a drain frees room, at most {@link BufferOptions#maxBlock()}, then throw {@link BufferFullException}. */
    BLOCK,

    /** Discard the write; it is counted and reported to listeners with reason {@code overflow}. */
    DROP,

    /** Throw {@link BufferFullException} at once. */
    FAIL
}

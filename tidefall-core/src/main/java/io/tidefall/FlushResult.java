package io.tidefall;

/**
 * What a {@link Buffer#flush()} achieved. A partition whose processor call is stuck past its
 * timeout, or whose chunk waits to be retried, cannot deliver now: flush returns without waiting
 * for it, and what it still holds is {@code pending}.
 *
 * @param delivered elements that reached the processor (a call that returned normally) during the flush
 * @param failed elements handed to the failure handler (or, without one, logged as lost) during the flush
 * @param pending elements of the drains in flight that were neither when the flush returned: they
 *     stay with their partition, which delivers (or fails) them later
 */
public record FlushResult(long delivered, long failed, long pending) {

    /** Nothing delivered, failed or pending. */
    public static final FlushResult EMPTY = new FlushResult(0, 0, 0);

    /** Whether everything the flush drained reached the processor. */
    public boolean isComplete() {
        return failed == 0 && pending == 0;
    }

    /** The sum of two results, for flushing several partitions or buffers. */
    public FlushResult plus(FlushResult other) {
        return new FlushResult(delivered + other.delivered, failed + other.failed, pending + other.pending);
    }
}

package io.tidefall;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one partition, for dashboards and the Actuator endpoint. Each field is read on its
 * own, so a snapshot taken while the partition works may mix two moments.
 *
 * @param partition the partition's index
 * @param bufferSize elements in its write table
 * @param draining whether a drain of a retired table is in flight
 * @param stuck whether a processor call (or the ordering of a table) has run past the processing
 *     timeout and not returned yet: until it does, no other call of this partition starts, so a
 *     stuck processor holds one table, and writers meet the capacity
 * @param drained elements handed to the processor without failure, since the buffer was built
 * @param failed elements handed to the failure handler (or logged as lost without one)
 * @param dropped elements discarded before reaching a table
 * @param drains drains finished (successful or not)
 * @param lastDrainAt when the last drain finished, or {@code null} before the first
 * @param lastDrainDuration how long it took, or {@code null} before the first
 * @param retryingSince since when a chunk of this partition has been failing and is being
 *     retried, or {@code null} when none is; while it is, the partition drains nothing newer
 * @param retryCause the last failure of that chunk, or {@code null}
 * @param retried elements offered to the processor again after a failure, since the buffer was built
 * @param abandoned claims of queue slots whose writer threw before storing its item (an
 *     {@code OutOfMemoryError}, say): the drain skipped them; their writes did not return, so
 *     nothing was promised for them
 * @param drainingSize elements of the drain in flight not settled yet (neither delivered nor
 *     handed to the failure handler): with {@code bufferSize}, what the partition holds
 */
public record PartitionStats(
        int partition,
        long bufferSize,
        boolean draining,
        boolean stuck,
        long drained,
        long failed,
        long dropped,
        long drains,
        @Nullable Instant lastDrainAt,
        @Nullable Duration lastDrainDuration,
        @Nullable Instant retryingSince,
        @Nullable Throwable retryCause,
        long retried,
        long abandoned,
        long drainingSize) {

    /** Every element the partition holds that is not settled yet: its write table and its drain in flight. */
    public long unsettled() {
        return bufferSize + drainingSize;
    }

    /** Whether a failed chunk of this partition is being retried now. */
    public boolean retrying() {
        return retryingSince != null;
    }
}

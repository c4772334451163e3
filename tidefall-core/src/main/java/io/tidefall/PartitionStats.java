package io.tidefall;

import java.time.Duration;
import java.time.Instant;

/**
 * A snapshot of one partition, for dashboards and the Actuator endpoint. Each field is read on its
 * own, so a snapshot taken while the partition works may mix two moments.
 *
 * @param partition the partition's index
 * @param bufferSize elements in its write table
 * @param draining whether a drain of a retired table is in flight
 * @param stuck whether a drain timed out and its processor call has still not returned (it ignored
 *     the interrupt): until it does, no timer-driven drain of this partition starts, so a stuck
 *     processor holds one table, not one per interval
 * @param drained elements handed to the processor without failure, since the buffer was built
 * @param failed elements lost to processor failures and timeouts
 * @param dropped elements discarded before reaching a table
 * @param drains drains finished (successful or not)
 * @param lastDrainAt when the last drain finished, or {@code null} before the first
 * @param lastDrainDuration how long it took, or {@code null} before the first
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
        Instant lastDrainAt,
        Duration lastDrainDuration) {
}

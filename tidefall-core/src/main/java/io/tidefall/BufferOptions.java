package io.tidefall;

import java.time.Duration;

/**
 * The options of a buffer that can change while it runs. Immutable: every wither returns a
 * validated copy, so an invalid value is rejected where it is written, with a message naming the
 * option and the value.
 *
 * @param processingInterval how often each partition swaps its write table and drains the retired one
 * @param processingTimeout the longest one retired table may take to drain; past it the drain is
 *     interrupted and what it had not processed is reported as failed
 * @param processingBatchSize the chunk size handed to the processor, or {@link BatchSize#TABLE}
 * @param drainThreshold the write-table size that triggers an early drain; {@code null} turns early
 *     drains off
 * @param drainCheckInterval how often each partition compares its size with {@code drainThreshold}
 */
public record BufferOptions(
        Duration processingInterval,
        Duration processingTimeout,
        BatchSize processingBatchSize,
        Long drainThreshold,
        Duration drainCheckInterval) {

    public static final Duration DEFAULT_PROCESSING_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_PROCESSING_TIMEOUT = Duration.ofSeconds(60);
    public static final BatchSize DEFAULT_PROCESSING_BATCH_SIZE = BatchSize.of(10);
    public static final Duration DEFAULT_DRAIN_CHECK_INTERVAL = Duration.ofSeconds(1);

    private static final BufferOptions DEFAULTS = new BufferOptions(
            DEFAULT_PROCESSING_INTERVAL, DEFAULT_PROCESSING_TIMEOUT, DEFAULT_PROCESSING_BATCH_SIZE,
            null, DEFAULT_DRAIN_CHECK_INTERVAL);

    /** Validates every field; the message names the first option that is wrong and its value. */
    public BufferOptions {
        requirePositive("processingInterval", processingInterval);
        requirePositive("processingTimeout", processingTimeout);
        if (processingBatchSize == null) {
            throw new IllegalArgumentException("processingBatchSize must be a positive number or 'table', but was null");
        }
        if (drainThreshold != null && drainThreshold < 1) {
            throw new IllegalArgumentException(
                    "drainThreshold must be positive (or unset to turn early drains off), but was " + drainThreshold);
        }
        requirePositive("drainCheckInterval", drainCheckInterval);
    }

    /** 5 s interval, 60 s timeout, chunks of 10, no early drain, 1 s drain check. */
    public static BufferOptions defaults() {
        return DEFAULTS;
    }

    public BufferOptions withProcessingInterval(Duration interval) {
        return new BufferOptions(interval, processingTimeout, processingBatchSize, drainThreshold, drainCheckInterval);
    }

    public BufferOptions withProcessingTimeout(Duration timeout) {
        return new BufferOptions(processingInterval, timeout, processingBatchSize, drainThreshold, drainCheckInterval);
    }

    public BufferOptions withProcessingBatchSize(BatchSize batchSize) {
        return new BufferOptions(processingInterval, processingTimeout, batchSize, drainThreshold, drainCheckInterval);
    }

    public BufferOptions withProcessingBatchSize(int batchSize) {
        return withProcessingBatchSize(BatchSize.of(batchSize));
    }

    public BufferOptions withDrainThreshold(long threshold) {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, threshold, drainCheckInterval);
    }

    public BufferOptions withoutDrainThreshold() {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, null, drainCheckInterval);
    }

    public BufferOptions withDrainCheckInterval(Duration interval) {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, drainThreshold, interval);
    }

    /** Whether early drains are on. */
    public boolean hasDrainThreshold() {
        return drainThreshold != null;
    }

    private static void requirePositive(String option, Duration value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " must be a positive duration, but was null");
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + " must be a positive duration, but was " + value);
        }
        try {
            value.toNanos(); // timers count in nanoseconds: a longer duration cannot be scheduled
        } catch (ArithmeticException tooLong) {
            throw new IllegalArgumentException(option + " must be at most 292 years, but was " + value);
        }
    }
}

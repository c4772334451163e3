package io.tidefall;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The options of a buffer that can change while it runs. Immutable: every wither returns a
 * validated copy, so an invalid value is rejected where it is written, with a message naming the
 * option and the value.
 *
 * @param processingInterval how often each partition swaps its write table and drains the retired one
 * @param processingTimeout the longest one processor call may take: past it the call is
 *     interrupted, and its chunk counts as failed (and is retried) once the call returns
 * @param processingBatchSize the chunk size handed to the processor, or {@link BatchSize#TABLE}
 * @param drainThreshold the write-table size that triggers an early drain; {@code null} turns early
 *     drains off
 * @param drainCheckInterval how often each partition compares its size with {@code drainThreshold}
 * @param capacity the most elements one partition's write table holds; {@code null} for unbounded
 * @param overflow what a write does when its partition is at capacity
 * @param maxBlock how long a write waits for room under {@link OverflowPolicy#BLOCK}
 * @param processingRetries how many more times a failed chunk is offered to the processor, at most;
 *     {@link Integer#MAX_VALUE} (the default) retries until {@code deliveryTimeout}
 * @param retryBackoff the pause before the first retry; each later pause doubles, up to
 *     {@code retryBackoffMax}, and is randomised by up to 20 % either way so that partitions
 *     retrying against one database do not move in step
 * @param retryBackoffMax the longest pause between two attempts
 * @param deliveryTimeout how long a chunk is retried, from its first attempt; past it (or at once,
 *     for a failure its {@link RetryPolicy} calls permanent) it goes to the failure handler
 */
public record BufferOptions(
        Duration processingInterval,
        Duration processingTimeout,
        BatchSize processingBatchSize,
        @Nullable Long drainThreshold,
        Duration drainCheckInterval,
        @Nullable Long capacity,
        OverflowPolicy overflow,
        Duration maxBlock,
        int processingRetries,
        Duration retryBackoff,
        Duration retryBackoffMax,
        Duration deliveryTimeout) {

    public static final Duration DEFAULT_PROCESSING_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_PROCESSING_TIMEOUT = Duration.ofSeconds(60);
    public static final BatchSize DEFAULT_PROCESSING_BATCH_SIZE = BatchSize.of(10);
    public static final Duration DEFAULT_DRAIN_CHECK_INTERVAL = Duration.ofSeconds(1);
    public static final OverflowPolicy DEFAULT_OVERFLOW = OverflowPolicy.BLOCK;
    public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(1);
    public static final int DEFAULT_PROCESSING_RETRIES = Integer.MAX_VALUE;
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(100);
    /** Long enough that the pauses of a long outage cost nothing, short enough to notice recovery soon. */
    public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(5);
    /**
     * Two minutes: a managed database fails over in 30-120 s, and a chunk should ride that out
     * (the same default as Kafka's {@code delivery.timeout.ms}).
     */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofMinutes(2);

    private static final BufferOptions DEFAULTS = new BufferOptions(
            DEFAULT_PROCESSING_INTERVAL, DEFAULT_PROCESSING_TIMEOUT, DEFAULT_PROCESSING_BATCH_SIZE,
            null, DEFAULT_DRAIN_CHECK_INTERVAL,
            null, DEFAULT_OVERFLOW, DEFAULT_MAX_BLOCK,
            DEFAULT_PROCESSING_RETRIES, DEFAULT_RETRY_BACKOFF, DEFAULT_RETRY_BACKOFF_MAX, DEFAULT_DELIVERY_TIMEOUT);

    /**
     * Validates every field.
     *
     * @throws InvalidOptionException naming the first option that is wrong, what it requires, and
     *     its value
     */
    public BufferOptions {
        requirePositive("processingInterval", processingInterval);
        requirePositive("processingTimeout", processingTimeout);
        if (processingBatchSize == null) {
            throw BatchSize.invalid(null);
        }
        if (drainThreshold != null && drainThreshold < 1) {
            throw new InvalidOptionException("drainThreshold", "must be positive (or unset to turn early drains off)",
                    drainThreshold);
        }
        requirePositive("drainCheckInterval", drainCheckInterval);
        if (capacity != null && capacity < 1) {
            throw new InvalidOptionException("capacity", "must be positive (or unset for unbounded)", capacity);
        }
        if (overflow == null) {
            throw OverflowPolicy.invalid(null);
        }
        requirePositive("maxBlock", maxBlock);
        if (processingRetries < 0) {
            throw new InvalidOptionException("processingRetries", "must be 0 or more", processingRetries);
        }
        requireNotNegative("retryBackoff", retryBackoff);
        requireNotNegative("retryBackoffMax", retryBackoffMax);
        requirePositive("deliveryTimeout", deliveryTimeout);
    }

    /**
     * 5 s interval, 60 s timeout per processor call, chunks of 10, no early drain, 1 s drain
     * check, unbounded (BLOCK for at most 1 s once a capacity is set), failed chunks retried from
     * 100 ms apart up to 5 s apart until 2 minutes after their first attempt.
     */
    public static BufferOptions defaults() {
        return DEFAULTS;
    }

    public BufferOptions withProcessingInterval(Duration interval) {
        return new BufferOptions(interval, processingTimeout, processingBatchSize, drainThreshold, drainCheckInterval,
                capacity, overflow, maxBlock, processingRetries, retryBackoff, retryBackoffMax, deliveryTimeout);
    }

    public BufferOptions withProcessingTimeout(Duration timeout) {
        return new BufferOptions(processingInterval, timeout, processingBatchSize, drainThreshold, drainCheckInterval,
                capacity, overflow, maxBlock, processingRetries, retryBackoff, retryBackoffMax, deliveryTimeout);
    }

    public BufferOptions withProcessingBatchSize(BatchSize batchSize) {
        return new BufferOptions(processingInterval, processingTimeout, batchSize, drainThreshold, drainCheckInterval,
                capacity, overflow, maxBlock, processingRetries, retryBackoff, retryBackoffMax, deliveryTimeout);
    }

    public BufferOptions withProcessingBatchSize(int batchSize) {
        return withProcessingBatchSize(BatchSize.of(batchSize));
    }

    public BufferOptions withDrainThreshold(long threshold) {
        return withDrainThreshold((Long) threshold);
    }

    public BufferOptions withoutDrainThreshold() {
        return withDrainThreshold((Long) null);
    }

    private BufferOptions withDrainThreshold(@Nullable Long threshold) {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, threshold, drainCheckInterval,
                capacity, overflow, maxBlock, processingRetries, retryBackoff, retryBackoffMax, deliveryTimeout);
    }

    public BufferOptions withDrainCheckInterval(Duration interval) {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, drainThreshold, interval,
                capacity, overflow, maxBlock, processingRetries, retryBackoff, retryBackoffMax, deliveryTimeout);
    }

    public BufferOptions withCapacity(long capacity) {
        return withCapacity((Long) capacity);
    }

    public BufferOptions withoutCapacity() {
        return withCapacity((Long) null);
    }

    private BufferOptions withCapacity(@Nullable Long capacity) {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, drainThreshold,
                drainCheckInterval, capacity, overflow, maxBlock, processingRetries, retryBackoff, retryBackoffMax, deliveryTimeout);
    }

    public BufferOptions withOverflow(OverflowPolicy overflow) {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, drainThreshold,
                drainCheckInterval, capacity, overflow, maxBlock, processingRetries, retryBackoff, retryBackoffMax, deliveryTimeout);
    }

    public BufferOptions withMaxBlock(Duration maxBlock) {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, drainThreshold,
                drainCheckInterval, capacity, overflow, maxBlock, processingRetries, retryBackoff, retryBackoffMax, deliveryTimeout);
    }

    public BufferOptions withProcessingRetries(int retries) {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, drainThreshold,
                drainCheckInterval, capacity, overflow, maxBlock, retries, retryBackoff, retryBackoffMax, deliveryTimeout);
    }

    public BufferOptions withRetryBackoff(Duration backoff) {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, drainThreshold,
                drainCheckInterval, capacity, overflow, maxBlock, processingRetries, backoff, retryBackoffMax, deliveryTimeout);
    }

    public BufferOptions withRetryBackoffMax(Duration backoffMax) {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, drainThreshold,
                drainCheckInterval, capacity, overflow, maxBlock, processingRetries, retryBackoff, backoffMax,
                deliveryTimeout);
    }

    public BufferOptions withDeliveryTimeout(Duration timeout) {
        return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, drainThreshold,
                drainCheckInterval, capacity, overflow, maxBlock, processingRetries, retryBackoff, retryBackoffMax,
                timeout);
    }

    /** Whether early drains are on. */
    public boolean hasDrainThreshold() {
        return drainThreshold != null;
    }

    /** Whether write tables are bounded. */
    public boolean hasCapacity() {
        return capacity != null;
    }

    private static void requirePositive(String option, Duration value) {
        requireSchedulable(option, "must be a positive duration", value);
        if (value.isZero()) {
            throw new InvalidOptionException(option, "must be a positive duration", value);
        }
    }

    private static void requireNotNegative(String option, Duration value) {
        requireSchedulable(option, "must be zero or a positive duration", value);
    }

    private static void requireSchedulable(String option, String requirement, Duration value) {
        if (value == null || value.isNegative()) {
            throw new InvalidOptionException(option, requirement, value);
        }
        try {
            value.toNanos(); // timers count in nanoseconds: a longer duration cannot be scheduled
        } catch (ArithmeticException tooLong) {
            throw new InvalidOptionException(option, "must be at most 292 years", value);
        }
    }
}

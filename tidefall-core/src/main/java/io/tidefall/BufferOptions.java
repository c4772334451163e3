package io.tidefall;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The options of a buffer that can change while it runs. Immutable: every wither returns a
 * validated copy, so an invalid value is rejected where it is written, with a message naming the
 * option and the value. Several options change at once through {@link #toBuilder()}; the
 * {@link Builder} is the one place that calls the canonical constructor, so an added option is
 * its component, its default, its builder setter and its validation, all in this file.
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

    private static final BufferOptions DEFAULTS = new Builder().build();

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

    /** A builder holding these options, to change several at once with one validation. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A builder holding the {@linkplain #defaults() defaults}. */
    public static Builder builder() {
        return new Builder();
    }

    public BufferOptions withProcessingInterval(Duration interval) {
        return toBuilder().processingInterval(interval).build();
    }

    public BufferOptions withProcessingTimeout(Duration timeout) {
        return toBuilder().processingTimeout(timeout).build();
    }

    public BufferOptions withProcessingBatchSize(BatchSize batchSize) {
        return toBuilder().processingBatchSize(batchSize).build();
    }

    public BufferOptions withProcessingBatchSize(int batchSize) {
        return withProcessingBatchSize(BatchSize.of(batchSize));
    }

    public BufferOptions withDrainThreshold(long threshold) {
        return toBuilder().drainThreshold(threshold).build();
    }

    public BufferOptions withoutDrainThreshold() {
        return toBuilder().drainThreshold(null).build();
    }

    public BufferOptions withDrainCheckInterval(Duration interval) {
        return toBuilder().drainCheckInterval(interval).build();
    }

    public BufferOptions withCapacity(long capacity) {
        return toBuilder().capacity(capacity).build();
    }

    public BufferOptions withoutCapacity() {
        return toBuilder().capacity(null).build();
    }

    public BufferOptions withOverflow(OverflowPolicy overflow) {
        return toBuilder().overflow(overflow).build();
    }

    public BufferOptions withMaxBlock(Duration maxBlock) {
        return toBuilder().maxBlock(maxBlock).build();
    }

    public BufferOptions withProcessingRetries(int retries) {
        return toBuilder().processingRetries(retries).build();
    }

    public BufferOptions withRetryBackoff(Duration backoff) {
        return toBuilder().retryBackoff(backoff).build();
    }

    public BufferOptions withRetryBackoffMax(Duration backoffMax) {
        return toBuilder().retryBackoffMax(backoffMax).build();
    }

    public BufferOptions withDeliveryTimeout(Duration timeout) {
        return toBuilder().deliveryTimeout(timeout).build();
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

    /**
     * Options changed one at a time and validated together, by {@link #build()}: the one place
     * that lists every component in order. Not thread-safe; start from {@link BufferOptions#builder()}
     * or {@link BufferOptions#toBuilder()}.
     */
    public static final class Builder {

        private Duration processingInterval = DEFAULT_PROCESSING_INTERVAL;
        private Duration processingTimeout = DEFAULT_PROCESSING_TIMEOUT;
        private BatchSize processingBatchSize = DEFAULT_PROCESSING_BATCH_SIZE;
        private @Nullable Long drainThreshold;
        private Duration drainCheckInterval = DEFAULT_DRAIN_CHECK_INTERVAL;
        private @Nullable Long capacity;
        private OverflowPolicy overflow = DEFAULT_OVERFLOW;
        private Duration maxBlock = DEFAULT_MAX_BLOCK;
        private int processingRetries = DEFAULT_PROCESSING_RETRIES;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private Duration retryBackoffMax = DEFAULT_RETRY_BACKOFF_MAX;
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;

        private Builder() {
        }

        private Builder(BufferOptions options) {
            this.processingInterval = options.processingInterval;
            this.processingTimeout = options.processingTimeout;
            this.processingBatchSize = options.processingBatchSize;
            this.drainThreshold = options.drainThreshold;
            this.drainCheckInterval = options.drainCheckInterval;
            this.capacity = options.capacity;
            this.overflow = options.overflow;
            this.maxBlock = options.maxBlock;
            this.processingRetries = options.processingRetries;
            this.retryBackoff = options.retryBackoff;
            this.retryBackoffMax = options.retryBackoffMax;
            this.deliveryTimeout = options.deliveryTimeout;
        }

        public Builder processingInterval(Duration processingInterval) {
            this.processingInterval = processingInterval;
            return this;
        }

        public Builder processingTimeout(Duration processingTimeout) {
            this.processingTimeout = processingTimeout;
            return this;
        }

        public Builder processingBatchSize(BatchSize processingBatchSize) {
            this.processingBatchSize = processingBatchSize;
            return this;
        }

        /** {@code null} turns early drains off. */
        public Builder drainThreshold(@Nullable Long drainThreshold) {
            this.drainThreshold = drainThreshold;
            return this;
        }

        public Builder drainCheckInterval(Duration drainCheckInterval) {
            this.drainCheckInterval = drainCheckInterval;
            return this;
        }

        /** {@code null} for unbounded write tables. */
        public Builder capacity(@Nullable Long capacity) {
            this.capacity = capacity;
            return this;
        }

        public Builder overflow(OverflowPolicy overflow) {
            this.overflow = overflow;
            return this;
        }

        public Builder maxBlock(Duration maxBlock) {
            this.maxBlock = maxBlock;
            return this;
        }

        public Builder processingRetries(int processingRetries) {
            this.processingRetries = processingRetries;
            return this;
        }

        public Builder retryBackoff(Duration retryBackoff) {
            this.retryBackoff = retryBackoff;
            return this;
        }

        public Builder retryBackoffMax(Duration retryBackoffMax) {
            this.retryBackoffMax = retryBackoffMax;
            return this;
        }

        public Builder deliveryTimeout(Duration deliveryTimeout) {
            this.deliveryTimeout = deliveryTimeout;
            return this;
        }

        /**
         * The options, validated.
         *
         * @throws InvalidOptionException naming the first option that is wrong
         */
        public BufferOptions build() {
            return new BufferOptions(processingInterval, processingTimeout, processingBatchSize, drainThreshold,
                    drainCheckInterval, capacity, overflow, maxBlock, processingRetries, retryBackoff, retryBackoffMax,
                    deliveryTimeout);
        }
    }
}

package io.tidefall;

/**
 * What becomes of a chunk the processor failed on: offered again after a pause, split so that only
 * the elements it fails on are given up, or handed to the failure handler. A pure function of the
 * chunk's history, the failure's kind, the moment, the close deadline and the options in force
 * <em>now</em>, so that a live change of retries, backoff or delivery timeout reaches a chunk that
 * is already retrying.
 *
 * @param action what to do with the chunk
 * @param pauseNanos for {@link Action#RETRY}, how long to wait before the next offer; else 0
 */
record DeliveryDecision(Action action, long pauseNanos) {

    enum Action {
        /** Offer the same chunk again after {@code pauseNanos}, before anything after it. */
        RETRY,
        /** A permanent failure of a chunk of several elements: offer each half on its own. */
        SPLIT,
        /** Hand the chunk to the failure handler: permanent, out of retries, or past its delivery deadline. */
        FAIL,
        /** Hand the chunk to the failure handler: its buffer is closing, and the next retry would come too late. */
        FAIL_CLOSING
    }

    /** A close deadline that is never reached: the buffer is not closing. */
    static final long NO_DEADLINE = Long.MAX_VALUE;

    private static final DeliveryDecision SPLIT = new DeliveryDecision(Action.SPLIT, 0);
    private static final DeliveryDecision FAIL = new DeliveryDecision(Action.FAIL, 0);
    private static final DeliveryDecision FAIL_CLOSING = new DeliveryDecision(Action.FAIL_CLOSING, 0);

    /**
     * @param attempts how often the chunk has been offered, this failed offer included (1 or more)
     * @param retryable whether the retry policy calls the failure transient
     * @param chunkSize elements in the chunk
     * @param firstAttemptNanos when the chunk (or the chunk it was split from) was first offered
     * @param nowNanos the ticker's reading now
     * @param closeDeadlineNanos no retry pause may end after it; {@link #NO_DEADLINE} when not closing
     * @param options the buffer's options in force now
     * @param jitter a number in [0, 1) that spreads the pause 20 % either way
     */
    static DeliveryDecision decide(int attempts, boolean retryable, int chunkSize, long firstAttemptNanos,
            long nowNanos, long closeDeadlineNanos, BufferOptions options, double jitter) {
        if (retryable && attempts <= options.processingRetries()) {
            long pause = backoff(attempts, options, jitter);
            boolean beforeClose = closeDeadlineNanos == NO_DEADLINE || closeDeadlineNanos - (nowNanos + pause) > 0;
            if (!beforeClose) {
                return FAIL_CLOSING;
            }
            boolean inTime = nowNanos + pause - firstAttemptNanos < options.deliveryTimeout().toNanos();
            return inTime ? new DeliveryDecision(Action.RETRY, pause) : FAIL;
        }
        if (!retryable && chunkSize > 1) {
            return SPLIT;
        }
        return FAIL;
    }

    /**
     * The pause before offer {@code attempts + 1}: {@code retryBackoff}, doubled after each failed
     * offer up to {@code retryBackoffMax}, then spread 20 % either way so that partitions failing
     * together do not retry together.
     */
    static long backoff(int attempts, BufferOptions options, double jitter) {
        long first = options.retryBackoff().toNanos();
        long max = Math.max(first, options.retryBackoffMax().toNanos());
        long pause = first;
        for (int i = 1; i < attempts && pause < max; i++) {
            pause = pause > max / 2 ? max : pause * 2;
        }
        pause = Math.min(pause, max);
        return (long) (pause * (0.8 + 0.4 * jitter));
    }
}

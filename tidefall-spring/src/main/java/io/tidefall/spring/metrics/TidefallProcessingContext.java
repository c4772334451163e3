package io.tidefall.spring.metrics;

import io.micrometer.observation.Observation;

import org.jspecify.annotations.Nullable;

/**
 * What an observation of one drain knows: the buffer and partition, how many elements the retired
 * table held, and, once it has ended, how many were lost and why.
 */
public class TidefallProcessingContext extends Observation.Context {

    /** How a drain ended, as the {@code outcome} key reports it. */
    public enum Outcome {
        /** Every element was processed. */
        SUCCESS,
        /** The processor threw for some of the elements. */
        FAILURE,
        /** The drain ran past its processing timeout. */
        TIMEOUT;

        /** The key value: {@code success}, {@code failure} or {@code timeout}. */
        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final String buffer;
    private final int partition;
    private final int size;
    private volatile int failed;
    private volatile @Nullable Outcome outcome;

    public TidefallProcessingContext(String buffer, int partition, int size) {
        this.buffer = buffer;
        this.partition = partition;
        this.size = size;
    }

    public String getBuffer() {
        return this.buffer;
    }

    public int getPartition() {
        return this.partition;
    }

    /** Elements of the retired table. */
    public int getSize() {
        return this.size;
    }

    /** Elements lost to processor failures and the timeout; known once the drain has ended. */
    public int getFailed() {
        return this.failed;
    }

    /** How the drain ended, or {@code null} while it runs. */
    public @Nullable Outcome getOutcome() {
        return this.outcome;
    }

    void completed(int failed, boolean timedOut) {
        this.failed = failed;
        this.outcome = timedOut ? Outcome.TIMEOUT : failed > 0 ? Outcome.FAILURE : Outcome.SUCCESS;
    }
}

package io.tidefall;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * How a retired table is handed to the processor: in consecutive chunks of at most
 * {@link #size()} elements, or {@linkplain #TABLE whole}, as one list.
 */
public final class BatchSize {

    /** The whole retired table as one list, which the processor then owns. */
    public static final BatchSize TABLE = new BatchSize(0);

    /** What {@link #of(int)} and {@link #parse(String)} accept, as {@link InvalidOptionException#requirement()}. */
    private static final String REQUIREMENT = "must be a positive number or 'table'";

    private final int size;

    private BatchSize(int size) {
        this.size = size;
    }

    /**
     * Chunks of at most {@code size} elements.
     *
     * @throws InvalidOptionException if {@code size < 1}
     */
    public static BatchSize of(int size) {
        if (size < 1) {
            throw invalid(size);
        }
        return new BatchSize(size);
    }

    /**
     * Parses {@code "table"} in any case, or a positive decimal number that fits an {@code int}
     * (an optional {@code +}, no fraction, no exponent, no separators), each with surrounding
     * whitespace ignored. This is the one reading of the option's text form: configuration and
     * the Actuator endpoint both use it.
     *
     * @throws InvalidOptionException naming the text when it is neither
     */
    public static BatchSize parse(@Nullable String text) {
        if (text == null) {
            throw invalid(null);
        }
        String trimmed = text.trim();
        if (trimmed.toLowerCase(Locale.ROOT).equals("table")) {
            return TABLE;
        }
        int size;
        try {
            size = Integer.parseInt(trimmed);
        } catch (NumberFormatException notANumber) {
            throw invalid(text);
        }
        if (size < 1) {
            throw invalid(text);
        }
        return new BatchSize(size);
    }

    /** The rejection of {@code value} as a batch size. */
    static InvalidOptionException invalid(@Nullable Object value) {
        return new InvalidOptionException("processingBatchSize", REQUIREMENT, value);
    }

    /** Whether the processor receives the whole retired table at once. */
    public boolean isTable() {
        return this == TABLE;
    }

    /**
     * The maximum number of elements per chunk.
     *
     * @throws IllegalStateException for {@link #TABLE}, which has no size
     */
    public int size() {
        if (isTable()) {
            throw new IllegalStateException("BatchSize.TABLE has no size: the processor receives the whole table");
        }
        return size;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BatchSize that && that.size == size;
    }

    @Override
    public int hashCode() {
        return size;
    }

    /** {@code "table"} or the number, the form {@link #parse(String)} reads. */
    @Override
    public String toString() {
        return isTable() ? "table" : Integer.toString(size);
    }
}

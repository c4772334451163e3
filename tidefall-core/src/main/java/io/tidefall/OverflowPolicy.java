package io.tidefall;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

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
    FAIL;

    /** What {@link #parse(String)} accepts, as {@link InvalidOptionException#requirement()}. */
    private static final String REQUIREMENT = "must be one of block, drop, fail";

    /**
     * Parses a policy's name in any case ({@code block}, {@code Drop}, {@code FAIL}), with
     * surrounding whitespace ignored. This is the one reading of the option's text form:
     * configuration and the Actuator endpoint both use it.
     *
     * @throws InvalidOptionException naming the text when it is none of them
     */
    public static OverflowPolicy parse(@Nullable String text) {
        if (text != null) {
            String canonical = text.trim().toUpperCase(Locale.ROOT);
            for (OverflowPolicy policy : values()) {
                if (policy.name().equals(canonical)) {
                    return policy;
                }
            }
        }
        throw invalid(text);
    }

    /** The rejection of {@code value} as an overflow policy. */
    static InvalidOptionException invalid(@Nullable Object value) {
        return new InvalidOptionException("overflow", REQUIREMENT, value);
    }
}

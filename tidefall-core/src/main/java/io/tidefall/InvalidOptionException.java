package io.tidefall;

import org.jspecify.annotations.Nullable;

/**
 * An option value that cannot be used. Carries the option's name, what it requires and the value,
 * so that a caller which knows the value under another name (a configuration property, a request
 * field) can say the same thing in its own words without reading the message apart.
 *
 * <p>The message reads {@code "<option> <requirement>, but was <value>"}, for example
 * {@code "processingInterval must be a positive duration, but was PT-5S"}; text values are shown in
 * quotes, and shortened when long.
 */
public class InvalidOptionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Longest text shown whole: a message echoes the value, which may be megabytes long. */
    private static final int MAX_SHOWN = 64;

    private final String option;
    private final String requirement;
    private final transient @Nullable Object value;

    /**
     * @param option the option as {@link BufferOptions} names it, such as {@code processingInterval}
     * @param requirement what a valid value is, as a predicate starting with a verb, such as
     *     {@code "must be a positive duration"}
     * @param value the rejected value, or {@code null} when there was none
     */
    public InvalidOptionException(String option, String requirement, @Nullable Object value) {
        super(option + " " + requirement + ", but was " + show(value));
        this.option = option;
        this.requirement = requirement;
        this.value = value;
    }

    /** The option as {@link BufferOptions} names it, such as {@code processingInterval}. */
    public String option() {
        return this.option;
    }

    /** What a valid value is, such as {@code "must be a positive duration"}. */
    public String requirement() {
        return this.requirement;
    }

    /** The rejected value, or {@code null} when there was none. */
    public @Nullable Object value() {
        return this.value;
    }

    /**
     * A value as messages show it: text in quotes ({@code '-5s'}), shortened to its first 64
     * characters and its length when longer; anything else as {@link String#valueOf(Object)}.
     */
    public static String show(@Nullable Object value) {
        if (!(value instanceof CharSequence)) {
            return String.valueOf(value);
        }
        String text = value.toString();
        if (text.length() <= MAX_SHOWN) {
            return "'" + text + "'";
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_SHOWN - 1)) ? MAX_SHOWN - 1 : MAX_SHOWN;
        return "'" + text.substring(0, end) + "...' (" + text.length() + " characters)";
    }
}

package io.tidefall.spring.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import org.springframework.boot.convert.DurationStyle;

import io.tidefall.BatchSize;
import io.tidefall.BufferOptions;
import io.tidefall.OverflowPolicy;

/**
 * A partial change of a buffer's options, as written to the endpoint: every field is optional text
 * (or a number), parsed and checked on its own so that a mistake is reported with the field and the
 * value as the client wrote them ({@code -5s}, not {@code PT-5S}).
 *
 * <p>{@link #apply(BufferOptions)} is a pure function of the current options, suitable for
 * {@code Buffer.updateOptions}: the engine applies it atomically, and validates the result as a
 * whole.
 */
public final class OptionsUpdate implements UnaryOperator<BufferOptions> {

    private static final int MAX_QUOTED = 64;

    private static final Pattern UNITLESS = Pattern.compile("[+-]?\\d+");

    private final List<UnaryOperator<BufferOptions>> changes;

    private OptionsUpdate(List<UnaryOperator<BufferOptions>> changes) {
        this.changes = changes;
    }

    /**
     * Parses the fields of an update; {@code null} leaves an option as it is.
     *
     * @throws InvalidOptionException naming the first field whose value cannot be used
     */
    public static OptionsUpdate parse(Object processingInterval, Object processingTimeout, Object processingBatchSize,
            Object drainThreshold, Object drainCheckInterval, Object capacity, Object overflow, Object maxBlock,
            Object processingRetries, Object retryBackoff, Object retryBackoffMax, Object deliveryTimeout) {
        List<UnaryOperator<BufferOptions>> changes = new ArrayList<>();
        if (processingInterval != null) {
            Duration value = duration("processingInterval", processingInterval);
            changes.add(checked("processingInterval", processingInterval, o -> o.withProcessingInterval(value)));
        }
        if (processingTimeout != null) {
            Duration value = duration("processingTimeout", processingTimeout);
            changes.add(checked("processingTimeout", processingTimeout, o -> o.withProcessingTimeout(value)));
        }
        if (processingBatchSize != null) {
            BatchSize value = batchSize(processingBatchSize);
            changes.add(o -> o.withProcessingBatchSize(value));
        }
        if (drainThreshold != null) {
            Long value = numberOrOff("drainThreshold", drainThreshold, "a positive number of elements, or 'off'");
            changes.add(checked("drainThreshold", drainThreshold,
                    o -> value == null ? o.withoutDrainThreshold() : o.withDrainThreshold(value)));
        }
        if (drainCheckInterval != null) {
            Duration value = duration("drainCheckInterval", drainCheckInterval);
            changes.add(checked("drainCheckInterval", drainCheckInterval, o -> o.withDrainCheckInterval(value)));
        }
        if (capacity != null) {
            Long value = numberOrOff("capacity", capacity, "a positive number of elements per partition, or 'off'");
            changes.add(checked("capacity", capacity, o -> value == null ? o.withoutCapacity() : o.withCapacity(value)));
        }
        if (overflow != null) {
            OverflowPolicy value = overflow(overflow);
            changes.add(o -> o.withOverflow(value));
        }
        if (maxBlock != null) {
            Duration value = duration("maxBlock", maxBlock);
            changes.add(checked("maxBlock", maxBlock, o -> o.withMaxBlock(value)));
        }
        if (processingRetries != null) {
            Long value = number("processingRetries", processingRetries, "0 or a positive number");
            if (value < 0 || value > Integer.MAX_VALUE) {
                throw new InvalidOptionException("processingRetries", processingRetries, "must be 0 or a positive number");
            }
            changes.add(o -> o.withProcessingRetries(value.intValue()));
        }
        if (retryBackoff != null) {
            Duration value = duration("retryBackoff", retryBackoff);
            changes.add(checked("retryBackoff", retryBackoff, o -> o.withRetryBackoff(value)));
        }
        if (retryBackoffMax != null) {
            Duration value = duration("retryBackoffMax", retryBackoffMax);
            changes.add(checked("retryBackoffMax", retryBackoffMax, o -> o.withRetryBackoffMax(value)));
        }
        if (deliveryTimeout != null) {
            Duration value = duration("deliveryTimeout", deliveryTimeout);
            changes.add(checked("deliveryTimeout", deliveryTimeout, o -> o.withDeliveryTimeout(value)));
        }
        OptionsUpdate update = new OptionsUpdate(List.copyOf(changes));
        update.apply(BufferOptions.defaults()); // each field on its own, so that a bad value is reported as written
        return update;
    }

    /** Whether the update names no option at all. */
    public boolean isEmpty() {
        return this.changes.isEmpty();
    }

    @Override
    public BufferOptions apply(BufferOptions options) {
        BufferOptions result = options;
        for (UnaryOperator<BufferOptions> change : this.changes) {
            result = change.apply(result);
        }
        return result;
    }

    private static UnaryOperator<BufferOptions> checked(String field, Object raw, UnaryOperator<BufferOptions> change) {
        return options -> {
            try {
                return change.apply(options);
            } catch (IllegalArgumentException invalid) {
                throw new InvalidOptionException(field, raw, reason(invalid.getMessage()));
            }
        };
    }

    private static Duration duration(String field, Object raw) {
        if (!(raw instanceof String text) || text.isBlank()) {
            throw new InvalidOptionException(field, raw, "must be a duration such as 250ms, 5s or PT1M");
        }
        if (UNITLESS.matcher(text.trim()).matches()) {
            // Over HTTP a JSON number arrives as this text: 5 might mean seconds as well as milliseconds.
            throw new InvalidOptionException(field, raw, "must be a duration with a unit, such as 250ms, 5s or PT1M");
        }
        try {
            return DurationStyle.detectAndParse(text.trim());
        } catch (RuntimeException notADuration) {
            throw new InvalidOptionException(field, raw, "must be a duration such as 250ms, 5s or PT1M");
        }
    }

    private static BatchSize batchSize(Object raw) {
        try {
            if (raw instanceof Number number) {
                long size = number.longValue();
                if (size != number.doubleValue() || size > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException();
                }
                return BatchSize.of((int) size);
            }
            return BatchSize.parse(raw.toString());
        } catch (IllegalArgumentException invalid) {
            throw new InvalidOptionException("processingBatchSize", raw, "must be a positive number or 'table'");
        }
    }

    private static Long numberOrOff(String field, Object raw, String expected) {
        if (raw instanceof String text && text.trim().equalsIgnoreCase("off")) {
            return null;
        }
        return number(field, raw, expected);
    }

    private static Long number(String field, Object raw, String expected) {
        if (raw instanceof Number number) {
            if (number.longValue() == number.doubleValue()) {
                return number.longValue();
            }
        }
        else if (raw instanceof String text) {
            try {
                return Long.parseLong(text.trim());
            } catch (NumberFormatException notANumber) {
                // reported below
            }
        }
        throw new InvalidOptionException(field, raw, "must be " + expected);
    }

    private static OverflowPolicy overflow(Object raw) {
        String text = raw.toString().trim().toUpperCase(Locale.ROOT);
        for (OverflowPolicy policy : OverflowPolicy.values()) {
            if (policy.name().equals(text)) {
                return policy;
            }
        }
        throw new InvalidOptionException("overflow", raw, "must be one of block, drop, fail");
    }

    /**
     * The value in quotes, shortened when long: a message echoes what the client sent, and a
     * request may carry megabytes in one field.
     */
    static String quoted(Object value) {
        String text = String.valueOf(value);
        if (text.length() <= MAX_QUOTED) {
            return "'" + text + "'";
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_QUOTED - 1)) ? MAX_QUOTED - 1 : MAX_QUOTED;
        return "'" + text.substring(0, end) + "...' (" + text.length() + " characters)";
    }

    /** "processingInterval must be a positive duration, but was PT-5S" -> "must be a positive duration". */
    private static String reason(String message) {
        if (message == null) {
            return "is invalid";
        }
        int start = message.indexOf(" must ");
        int end = message.lastIndexOf(", but was");
        return start >= 0 && end > start ? message.substring(start + 1, end) : message;
    }

    /** A field of an options update that cannot be used; nothing was changed. */
    public static final class InvalidOptionException extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        private final String field;

        InvalidOptionException(String field, Object value, String reason) {
            super(field + " " + quoted(value) + " is invalid: it " + reason);
            this.field = field;
        }

        /** The field, as named in the request. */
        public String getField() {
            return this.field;
        }
    }
}

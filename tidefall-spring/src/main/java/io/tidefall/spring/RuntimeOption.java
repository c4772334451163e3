package io.tidefall.spring;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

import io.tidefall.BatchSize;
import io.tidefall.BufferOptions;
import io.tidefall.InvalidOptionException;
import io.tidefall.OverflowPolicy;

/**
 * The catalogue of a buffer's runtime options, the ones {@link BufferOptions} holds and a running
 * buffer can change: each option is declared here once, with its name, type, text form (the unit
 * rule), description and what to do about a bad value; its default is the engine's. Everything the
 * starter does with options follows from this list:
 * <ul>
 * <li>the auto-configuration binds {@code tidefall.defaults.<property>} and
 * {@code tidefall.buffers.<name>.<property>} as text, and reads it with {@link #parse}, as the
 * endpoint does;
 * <li>the endpoint takes an update as a map of {@link #field()} names to texts, and shows options
 * with {@link #show};
 * <li>the configuration metadata of both properties is generated from it
 * ({@code RuntimeOptionMetadataTests} rewrites the committed file when it differs, and fails).
 * </ul>
 *
 * <p>Adding an option therefore means: its component, default, builder setter and validation in
 * {@code BufferOptions}, the engine code that uses it, and a constant here.
 * {@code RuntimeOptionCatalogueTests} fails, naming what is missing, until both agree.
 */
public enum RuntimeOption {

    PROCESSING_INTERVAL("processingInterval", Form.DURATION,
            "How often each partition swaps its write table and drains the retired one.",
            BufferOptions::processingInterval, (builder, value) -> builder.processingInterval((Duration) value),
            "Set it to a positive duration such as 5s or 250ms."),

    PROCESSING_TIMEOUT("processingTimeout", Form.DURATION,
            "Longest time one retired table may take to drain before it is interrupted.",
            BufferOptions::processingTimeout, (builder, value) -> builder.processingTimeout((Duration) value),
            "Set it to a positive duration such as 60s."),

    PROCESSING_BATCH_SIZE("processingBatchSize", Form.BATCH_SIZE,
            "Elements per processor call: a positive number, or 'table' for the whole retired table.",
            BufferOptions::processingBatchSize, (builder, value) -> builder.processingBatchSize((BatchSize) value),
            "Set it to a positive number of elements per processor call, or to 'table' to receive each retired table whole."),

    DRAIN_THRESHOLD("drainThreshold", Form.COUNT_OR_OFF,
            "Write-table size that triggers an early drain, or 'off' (the default) for none.",
            BufferOptions::drainThreshold, (builder, value) -> builder.drainThreshold((Long) value),
            "Set it to a positive number of elements, or remove it to turn early drains off."),

    DRAIN_CHECK_INTERVAL("drainCheckInterval", Form.DURATION,
            "How often each partition compares its size with the drain threshold.",
            BufferOptions::drainCheckInterval, (builder, value) -> builder.drainCheckInterval((Duration) value),
            "Set it to a positive duration such as 1s."),

    CAPACITY("capacity", Form.COUNT_OR_OFF,
            "Most elements one partition's write table holds, or 'off' (the default) for unbounded.",
            BufferOptions::capacity, (builder, value) -> builder.capacity((Long) value),
            "Set it to a positive number of elements per partition, or remove it for unbounded partitions."),

    OVERFLOW("overflow", Form.POLICY,
            "What a write does when its partition is at capacity: 'block', 'drop' or 'fail'.",
            BufferOptions::overflow, (builder, value) -> builder.overflow((OverflowPolicy) value),
            "Set it to 'block' (wait for room up to max-block), 'drop' (discard the write) or 'fail' (throw BufferFullException)."),

    MAX_BLOCK("maxBlock", Form.DURATION,
            "How long a write waits for room in a full partition when overflow is 'block'.",
            BufferOptions::maxBlock, (builder, value) -> builder.maxBlock((Duration) value),
            "Set it to a positive duration such as 1s."),

    PROCESSING_RETRIES("processingRetries", Form.RETRIES,
            "Most times a failed chunk is offered to the processor again, or 'unlimited' to retry it until the delivery timeout.",
            BufferOptions::processingRetries, (builder, value) -> builder.processingRetries((Integer) value),
            "Set it to 0 (no retries), a positive number, or 'unlimited'."),

    RETRY_BACKOFF("retryBackoff", Form.DURATION,
            "Pause before the first retry of a failed chunk; each further pause doubles, up to retry-backoff-max.",
            BufferOptions::retryBackoff, (builder, value) -> builder.retryBackoff((Duration) value),
            "Set it to 0ms or a positive duration such as 100ms."),

    RETRY_BACKOFF_MAX("retryBackoffMax", Form.DURATION,
            "Longest pause between two retries of a failed chunk.",
            BufferOptions::retryBackoffMax, (builder, value) -> builder.retryBackoffMax((Duration) value),
            "Set it to 0ms or a positive duration such as 5s: the pauses between retries grow from retry-backoff up to it."),

    DELIVERY_TIMEOUT("deliveryTimeout", Form.DURATION,
            "How long a failed chunk is retried, from its first attempt, before its elements go to the failure handler"
                    + " (the dead-letter store, when there is one).",
            BufferOptions::deliveryTimeout, (builder, value) -> builder.deliveryTimeout((Duration) value),
            "Set it to a positive duration such as 2m: how long a failed chunk is retried before it goes to the failure handler.");

    /** Every option's {@link #field()}, in the catalogue's order. */
    public static final List<String> FIELDS = Arrays.stream(values()).map(RuntimeOption::field).toList();

    /** Every option's {@link #property()}, in the catalogue's order. */
    public static final List<String> PROPERTIES = Arrays.stream(values()).map(RuntimeOption::property).toList();

    private static final Pattern UNITLESS = Pattern.compile("[+-]?\\d+");
    private static final Pattern ZERO = Pattern.compile("[+-]?0+");

    private final String field;
    private final String property;
    private final Form form;
    private final String description;
    private final Function<BufferOptions, @Nullable Object> reader;
    private final BiConsumer<BufferOptions.Builder, @Nullable Object> setter;
    private final String action;

    RuntimeOption(String field, Form form, String description, Function<BufferOptions, @Nullable Object> reader,
            BiConsumer<BufferOptions.Builder, @Nullable Object> setter, String action) {
        this.field = field;
        this.property = field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        this.form = form;
        this.description = description;
        this.reader = reader;
        this.setter = setter;
        this.action = action;
    }

    /** The option as {@link BufferOptions} and the endpoint name it: {@code processingInterval}. */
    public String field() {
        return this.field;
    }

    /** The option under {@code tidefall.defaults} and {@code tidefall.buffers.<name>}: {@code processing-interval}. */
    public String property() {
        return this.property;
    }

    /**
     * The type the configuration metadata gives the property, for IDEs: {@code Duration}, {@code Long},
     * the enum, or {@code String} where the text form has words besides numbers ({@code table},
     * {@code unlimited}).
     */
    public Class<?> type() {
        return this.form.type;
    }

    /**
     * What the option means, as the configuration metadata describes it: the first sentence of
     * {@code tidefall.defaults.<property>} and of {@code tidefall.buffers.*.<property>}.
     */
    public String description() {
        return this.description;
    }

    /** What to do about an invalid configured value, starting with "Set it". */
    public String action() {
        return this.action;
    }

    /** The engine's default in the text form {@link #parse} reads, or {@code null} when the engine leaves it unset. */
    public @Nullable String defaultText() {
        Object value = read(BufferOptions.defaults());
        return value != null ? String.valueOf(show(value)) : null;
    }

    /**
     * Reads the text form configuration and the endpoint accept alike: a duration with a unit
     * ({@code 250ms}, {@code 5s}, {@code PT1M}; a bare number other than zero is refused as
     * ambiguous), a whole number, {@code table} for the batch size, {@code off} for an unset
     * threshold or capacity (read as {@code null}), {@code unlimited} for the retries, a policy
     * name in any case.
     *
     * @throws InvalidOptionException naming this option when the text is not of that form
     */
    public @Nullable Object parse(String text) {
        return this.form.parse(this.field, text);
    }

    /**
     * A value as the endpoint shows it, in the form {@link #parse} reads back: a duration as
     * {@link Durations#exact}, the batch size as a number or {@code "table"}, an unset threshold or
     * capacity as {@code "off"}, unlimited retries as {@code "unlimited"}, a policy in lower case.
     */
    public Object show(@Nullable Object value) {
        return this.form.show(value);
    }

    /** The option's value in {@code options}; {@code null} for an unset threshold or capacity. */
    public @Nullable Object read(BufferOptions options) {
        return this.reader.apply(options);
    }

    /**
     * Sets this option to {@code value}, as {@link #parse} returns it ({@code null} turns a
     * threshold or capacity off); the builder validates when it builds.
     */
    public BufferOptions.Builder set(BufferOptions.Builder builder, @Nullable Object value) {
        this.setter.accept(builder, value);
        return builder;
    }

    /**
     * A copy of {@code options} with this option set to {@code value}.
     *
     * @throws InvalidOptionException when {@code BufferOptions} rejects the value
     */
    public BufferOptions apply(BufferOptions options, @Nullable Object value) {
        return set(options.toBuilder(), value).build();
    }

    /** The option whose {@link #field()} is {@code field}, or {@code null}. */
    public static @Nullable RuntimeOption ofField(String field) {
        for (RuntimeOption option : values()) {
            if (option.field.equals(field)) {
                return option;
            }
        }
        return null;
    }

    /**
     * Whether {@code text} is a bare number other than zero, which configuration and the endpoint
     * alike refuse as a duration: {@code 5} might mean seconds as well as milliseconds (Spring Boot
     * would read it as milliseconds). Zero is zero in any unit, so {@code retry-backoff: 0} and
     * {@code "retryBackoff": "0"} are both accepted.
     */
    public static boolean isDurationWithoutUnit(String text) {
        String trimmed = text.trim();
        return UNITLESS.matcher(trimmed).matches() && !ZERO.matcher(trimmed).matches();
    }

    /** The text forms of options: how each kind is read and shown, and the type IDEs are told. */
    private enum Form {

        DURATION(Duration.class) {
            @Override
            Object parse(String field, String text) {
                String trimmed = text.trim();
                if (isDurationWithoutUnit(trimmed)) {
                    throw new InvalidOptionException(field, "must be a duration with a unit, such as 250ms, 5s or PT1M", text);
                }
                try {
                    return DurationStyle.detectAndParse(trimmed);
                } catch (RuntimeException notADuration) {
                    throw new InvalidOptionException(field, "must be a duration such as 250ms, 5s or PT1M", text);
                }
            }
        },

        BATCH_SIZE(String.class) {
            @Override
            Object parse(String field, String text) {
                return BatchSize.parse(text);
            }
        },

        /** A whole number, or {@code off} in any case for none ({@code null}). */
        COUNT_OR_OFF(Long.class) {
            @Override
            @Nullable Object parse(String field, String text) {
                String trimmed = text.trim();
                if (trimmed.equalsIgnoreCase("off")) {
                    return null;
                }
                try {
                    return Long.parseLong(trimmed);
                } catch (NumberFormatException notANumber) {
                    // A capacity is per partition, and the message says so: the other count is a threshold.
                    throw new InvalidOptionException(field, "capacity".equals(field)
                            ? "must be a positive number of elements per partition, or 'off'"
                            : "must be a positive number of elements, or 'off'", text);
                }
            }
        },

        /** A policy's name as Spring Boot reads an enum: in any case, with separators ignored ({@code Drop}, {@code d-r-o-p}). */
        POLICY(OverflowPolicy.class) {
            @Override
            Object parse(String field, String text) {
                try {
                    return OverflowPolicy.parse(text.replaceAll("[^A-Za-z0-9]", ""));
                } catch (InvalidOptionException invalid) {
                    throw new InvalidOptionException(field, invalid.requirement(), text);
                }
            }
        },

        /** A whole number from 0, or {@code unlimited} in any case for {@link Integer#MAX_VALUE}. */
        RETRIES(String.class) {
            @Override
            Object parse(String field, String text) {
                String trimmed = text.trim();
                if (trimmed.equalsIgnoreCase(UNLIMITED)) {
                    return Integer.MAX_VALUE;
                }
                try {
                    int retries = Integer.parseInt(trimmed);
                    if (retries >= 0) {
                        return retries;
                    }
                } catch (NumberFormatException notAnInt) {
                    // reported below
                }
                throw new InvalidOptionException(field, "must be 0 or a positive number, or 'unlimited'", text);
            }

            @Override
            Object show(@Nullable Object value) {
                return Integer.valueOf(Integer.MAX_VALUE).equals(value) ? UNLIMITED : super.show(value);
            }
        };

        private static final String UNLIMITED = "unlimited";

        final Class<?> type;

        Form(Class<?> type) {
            this.type = type;
        }

        abstract @Nullable Object parse(String field, String text);

        Object show(@Nullable Object value) {
            if (value == null) {
                return "off";
            }
            if (value instanceof Duration duration) {
                return Durations.exact(duration);
            }
            if (value instanceof BatchSize batchSize) {
                return batchSize.isTable() ? "table" : batchSize.size();
            }
            if (value instanceof Enum<?> constant) {
                return constant.name().toLowerCase(Locale.ROOT);
            }
            return value;
        }
    }
}

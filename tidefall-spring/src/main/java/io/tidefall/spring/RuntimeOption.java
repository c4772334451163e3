package io.tidefall.spring;

import java.time.Duration;
import java.util.Locale;
import java.util.function.BiFunction;
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
 * buffer can change: one constant per option, with everything the starter needs to take it from
 * configuration, take it from an Actuator request and show it back. The auto-configuration
 * resolves each buffer's configuration through it, the endpoint's {@code OptionsUpdate} parses
 * requests through it, and the endpoint shows options through it, in this order.
 *
 * <p>Adding an option means: its component, default, builder setter and validation in
 * {@code BufferOptions} (and a wither); a constant here, with its description, text rule and
 * action; a property in {@code TidefallProperties.Options} (read by name, so no other code there),
 * which generates {@code tidefall.defaults.<property>}; a parameter of both {@code updateOptions}
 * operations ({@code TidefallEndpoint} and {@code TidefallEndpointWebExtension}: Actuator takes
 * parameters by name, for HTTP and JMX alike); and its {@code tidefall.buffers.*} entry in
 * {@code additional-spring-configuration-metadata.json}, whose description starts with this
 * constant's. {@code RuntimeOptionCatalogueTests} fails, naming the place, until every one has it.
 */
public enum RuntimeOption {

    PROCESSING_INTERVAL("How often each partition swaps its write table and drains the retired one.",
            "processingInterval", RuntimeOption::duration,
            BufferOptions::processingInterval, (options, value) -> options.withProcessingInterval((Duration) value),
            "Set it to a positive duration such as 5s or 250ms."),

    PROCESSING_TIMEOUT("Longest time one retired table may take to drain before it is interrupted.",
            "processingTimeout", RuntimeOption::duration,
            BufferOptions::processingTimeout, (options, value) -> options.withProcessingTimeout((Duration) value),
            "Set it to a positive duration such as 60s."),

    PROCESSING_BATCH_SIZE("Elements per processor call: a positive number, or 'table' for the whole retired table.",
            "processingBatchSize", (field, text) -> BatchSize.parse(text),
            BufferOptions::processingBatchSize, (options, value) -> options.withProcessingBatchSize((BatchSize) value),
            "Set it to a positive number of elements per processor call, or to 'table' to receive each retired table whole."),

    DRAIN_THRESHOLD("Write-table size that triggers an early drain.",
            "drainThreshold", (field, text) -> countOrOff(field, text, "must be a positive number of elements, or 'off'"),
            BufferOptions::drainThreshold,
            (options, value) -> value == null ? options.withoutDrainThreshold() : options.withDrainThreshold((Long) value),
            "Set it to a positive number of elements, or remove it to turn early drains off."),

    DRAIN_CHECK_INTERVAL("How often each partition compares its size with the drain threshold.",
            "drainCheckInterval", RuntimeOption::duration,
            BufferOptions::drainCheckInterval, (options, value) -> options.withDrainCheckInterval((Duration) value),
            "Set it to a positive duration such as 1s."),

    CAPACITY("Most elements one partition's write table holds.",
            "capacity", (field, text) -> countOrOff(field, text, "must be a positive number of elements per partition, or 'off'"),
            BufferOptions::capacity,
            (options, value) -> value == null ? options.withoutCapacity() : options.withCapacity((Long) value),
            "Set it to a positive number of elements per partition, or remove it for unbounded partitions."),

    OVERFLOW("What a write does when its partition is at capacity: 'block', 'drop' or 'fail'.",
            "overflow", (field, text) -> OverflowPolicy.parse(text),
            BufferOptions::overflow, (options, value) -> options.withOverflow((OverflowPolicy) value),
            "Set it to 'block' (wait for room up to max-block), 'drop' (discard the write) or 'fail' (throw BufferFullException)."),

    MAX_BLOCK("How long a write waits for room in a full partition when overflow is 'block'.",
            "maxBlock", RuntimeOption::duration,
            BufferOptions::maxBlock, (options, value) -> options.withMaxBlock((Duration) value),
            "Set it to a positive duration such as 1s."),

    PROCESSING_RETRIES("Most times a failed chunk is offered to the processor again.",
            "processingRetries", RuntimeOption::retries,
            BufferOptions::processingRetries, (options, value) -> options.withProcessingRetries((Integer) value),
            "Set it to 0 (no retries) or more."),

    RETRY_BACKOFF("Pause before the first retry of a failed chunk; each further pause doubles, up to retry-backoff-max.",
            "retryBackoff", RuntimeOption::duration,
            BufferOptions::retryBackoff, (options, value) -> options.withRetryBackoff((Duration) value),
            "Set it to 0ms or a positive duration such as 100ms."),

    RETRY_BACKOFF_MAX("Longest pause between two retries of a failed chunk.",
            "retryBackoffMax", RuntimeOption::duration,
            BufferOptions::retryBackoffMax, (options, value) -> options.withRetryBackoffMax((Duration) value),
            "Set it to 0ms or a positive duration such as 5s: the pauses between retries grow from retry-backoff up to it."),

    DELIVERY_TIMEOUT("How long a failed chunk is retried, from its first attempt, before its elements go to the failure handler"
                    + " (the dead-letter store, when there is one).",
            "deliveryTimeout", RuntimeOption::duration,
            BufferOptions::deliveryTimeout, (options, value) -> options.withDeliveryTimeout((Duration) value),
            "Set it to a positive duration such as 2m: how long a failed chunk is retried before it goes to the failure handler.");

    private static final Pattern UNITLESS = Pattern.compile("[+-]?\\d+");
    private static final Pattern ZERO = Pattern.compile("[+-]?0+");

    private final String description;
    private final String field;
    private final String property;
    private final Parser parser;
    private final Function<BufferOptions, @Nullable Object> reader;
    private final BiFunction<BufferOptions, @Nullable Object, BufferOptions> wither;
    private final String action;

    RuntimeOption(String description, String field, Parser parser, Function<BufferOptions, @Nullable Object> reader,
            BiFunction<BufferOptions, @Nullable Object, BufferOptions> wither, String action) {
        this.description = description;
        this.field = field;
        this.property = field.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        this.parser = parser;
        this.reader = reader;
        this.wither = wither;
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
     * What the option means, as the configuration metadata describes it: the first sentence of
     * {@code tidefall.defaults.<property>} and of {@code tidefall.buffers.*.<property>}, which
     * {@code RuntimeOptionCatalogueTests} checks.
     */
    public String description() {
        return this.description;
    }

    /** What to do about an invalid configured value, starting with "Set it". */
    public String action() {
        return this.action;
    }

    /**
     * Reads the text form the endpoint accepts and shows: a duration with a unit ({@code 250ms},
     * {@code 5s}, {@code PT1M}; a bare number is refused as ambiguous), a whole number, {@code table}
     * for the batch size, {@code off} for an unset threshold or capacity (read as {@code null}), a
     * policy name in any case.
     *
     * @throws InvalidOptionException naming this option when the text is not of that form
     */
    public @Nullable Object parse(String text) {
        return this.parser.parse(this.field, text);
    }

    /** The option's value in {@code options}; {@code null} for an unset threshold or capacity. */
    public @Nullable Object read(BufferOptions options) {
        return this.reader.apply(options);
    }

    /**
     * A copy of {@code options} with this option set to {@code value}: as {@link #parse} returns
     * it, or as Spring Boot binds the property ({@code null} turns a threshold or capacity off).
     *
     * @throws InvalidOptionException when {@code BufferOptions} rejects the value
     */
    public BufferOptions apply(BufferOptions options, @Nullable Object value) {
        return this.wither.apply(options, value);
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

    private static Duration duration(String field, String text) {
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

    /** A whole number, or {@code off} in any case for none ({@code null}). */
    private static @Nullable Long countOrOff(String field, String text, String requirement) {
        String trimmed = text.trim();
        if (trimmed.equalsIgnoreCase("off")) {
            return null;
        }
        try {
            return Long.parseLong(trimmed);
        } catch (NumberFormatException notANumber) {
            throw new InvalidOptionException(field, requirement, text);
        }
    }

    private static Integer retries(String field, String text) {
        try {
            int retries = Integer.parseInt(text.trim());
            if (retries >= 0) {
                return retries;
            }
        } catch (NumberFormatException notAnInt) {
            // reported below
        }
        throw new InvalidOptionException(field, "must be 0 or a positive number", text);
    }

    /** Reads an option's text form; throws {@link InvalidOptionException} naming {@code field}. */
    @FunctionalInterface
    private interface Parser {
        @Nullable Object parse(String field, String text);
    }
}

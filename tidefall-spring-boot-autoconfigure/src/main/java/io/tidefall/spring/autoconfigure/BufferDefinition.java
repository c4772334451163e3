package io.tidefall.spring.autoconfigure;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.tidefall.BufferOptions;
import io.tidefall.InvalidOptionException;
import io.tidefall.spring.BufferType;
import io.tidefall.spring.RuntimeOption;
import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.autoconfigure.TidefallProperties.BufferProperties;
import io.tidefall.spring.autoconfigure.TidefallProperties.Options;
import io.tidefall.spring.sink.SinkProperties;

/**
 * A buffer configured under {@code tidefall.buffers}, with every option resolved (its own entry,
 * then {@code tidefall.defaults}, then the engine's defaults) and validated. Each invalid value is
 * reported with the property that supplied it, so that a bad default names
 * {@code tidefall.defaults.*}, not the buffer's key.
 *
 * @param name the buffer and bean name
 * @param type queue or hash map
 * @param processor the name of the processor bean, or {@code null} for a {@code @TidefallProcessor} method
 * @param partitions the number of partitions, or {@code null} for the engine's default
 * @param options the initial runtime options
 * @param failureHandler the name of the failure handler bean, or {@code null} for the engine's log
 * @param failureHandlerProperty the property that named it ({@code tidefall.buffers.<name>.failure-handler}
 *     or {@code tidefall.defaults.failure-handler})
 * @param sink the sink configured instead of a processor, or {@code null}
 */
record BufferDefinition(String name, BufferType type, @Nullable String processor, @Nullable Integer partitions,
        BufferOptions options, @Nullable String failureHandler, String failureHandlerProperty, @Nullable SinkProperties sink) {

    static final String PREFIX = "tidefall.";

    /**
     * Resolves every configured buffer, failing on the first invalid value.
     *
     * @param rawValues the text of a property as the application wrote it ({@code "-5s"} rather
     *     than {@code PT-5S}), or {@code null} when it is not set
     */
    static List<BufferDefinition> resolveAll(TidefallProperties properties, Function<String, @Nullable String> rawValues) {
        List<BufferDefinition> definitions = new ArrayList<>();
        for (Map.Entry<String, BufferProperties> entry : properties.getBuffers().entrySet()) {
            definitions.add(resolve(entry.getKey(), entry.getValue(), properties.getDefaults(), rawValues));
        }
        return definitions;
    }

    private static BufferDefinition resolve(String name, BufferProperties buffer, Options defaults,
            Function<String, @Nullable String> rawValues) {
        Resolver resolver = new Resolver(name, buffer, defaults, rawValues);
        BufferType type = buffer.getType();
        String writtenType = rawValues.apply(resolver.own("type"));
        if (type == null && writtenType != null) { // not one Spring Boot could convert, or empty
            throw new TidefallConfigurationException(name,
                    "Buffer '" + name + "': " + resolver.own("type") + " is '" + writtenType + "', which is not a buffer type.",
                    "Set " + resolver.own("type") + " to 'queue' (keeps every item) or 'hash-map' (coalesces writes by key).");
        }
        String processor = buffer.getProcessor();
        if (processor != null && processor.isBlank()) {
            throw new TidefallConfigurationException(name,
                    "Buffer '" + name + "': " + resolver.own("processor") + " is blank.",
                    "Set it to the name of a BatchProcessor bean, or remove it and annotate one bean method with @TidefallProcessor(\""
                            + name + "\").");
        }
        Integer partitions = (Integer) resolver.pick("partitions", Options::getPartitions, false);
        if (partitions != null && partitions < 1) {
            throw resolver.invalid("partitions", partitions, "must be at least 1",
                    "Set it to 1 or more, or remove it to use one partition per available processor.");
        }
        BufferOptions options = BufferOptions.defaults();
        for (RuntimeOption option : RuntimeOption.values()) {
            options = resolver.apply(options, option);
        }
        String failureHandler = (String) resolver.pick("failure-handler", Options::getFailureHandler, false);
        String failureHandlerProperty = resolver.source;
        if (failureHandler != null && failureHandler.isBlank()) {
            throw resolver.invalid("failure-handler", failureHandler, "must name a bean",
                    "Set it to the name of a BatchFailureHandler bean, or remove it to have lost elements logged.");
        }
        return new BufferDefinition(name, type != null ? type : BufferType.QUEUE, processor, partitions, options,
                failureHandler, failureHandlerProperty, buffer.getSink());
    }

    /** The property under this buffer's own key, e.g. {@code tidefall.buffers.events.processor}. */
    String property(String key) {
        return PREFIX + "buffers." + this.name + "." + key;
    }

    /** Picks each option from the buffer, then the defaults, and remembers which property it came from. */
    private static final class Resolver {

        private final String name;
        private final BufferProperties buffer;
        private final Options defaults;
        private final Function<String, @Nullable String> rawValues;
        private String source = "";

        Resolver(String name, BufferProperties buffer, Options defaults, Function<String, @Nullable String> rawValues) {
            this.name = name;
            this.buffer = buffer;
            this.defaults = defaults;
            this.rawValues = rawValues;
        }

        String own(String key) {
            return PREFIX + "buffers." + this.name + "." + key;
        }

        /**
         * @param enumTyped whether the property is bound as an enum: then a text Spring Boot could
         *     not convert (or an empty one) leaves it unset, and the text is returned instead, to be
         *     rejected by name
         */
        <V> @Nullable Object pick(String key, Function<Options, @Nullable V> getter, boolean enumTyped) {
            Object value = null;
            for (Options level : List.of(this.buffer, this.defaults)) {
                this.source = (level == this.buffer ? own(key) : PREFIX + "defaults." + key);
                value = getter.apply(level);
                String written = enumTyped && value == null ? this.rawValues.apply(this.source) : null;
                if (written != null) {
                    return written;
                }
                if (value != null) {
                    break;
                }
            }
            if (value instanceof Integer || value instanceof Long) {
                requireWhole(key, ((Number) value).longValue());
            }
            return value;
        }

        /**
         * Spring converts a YAML number such as {@code 1.5} to an {@code Integer} or {@code Long}
         * by truncating it, and saturates one beyond {@code Long.MAX_VALUE}: compares the bound
         * number with the text the application wrote, so that neither is taken silently.
         */
        private void requireWhole(String key, long bound) {
            String raw = this.rawValues.apply(this.source);
            if (raw == null) {
                return;
            }
            BigDecimal written;
            try {
                written = new BigDecimal(raw.trim());
            } catch (NumberFormatException notDecimal) {
                return; // another notation the binder accepted, such as 0x10: it converts those exactly
            }
            if (written.compareTo(BigDecimal.valueOf(bound)) != 0) {
                boolean fraction = written.stripTrailingZeros().scale() > 0;
                throw invalid(key, raw, fraction ? "must be a whole number" : "is too large",
                        "Set it to a whole number, written without a fraction or an exponent.");
            }
        }

        /** {@code options} with {@code option} as configured, or as they are when it is not. */
        BufferOptions apply(BufferOptions options, RuntimeOption option) {
            String key = option.property();
            Object value = pick(key, level -> level.option(option), option.read(options) instanceof Enum<?>);
            if (value == null) {
                return options;
            }
            if (value instanceof Duration) {
                requireUnit(key, value);
            }
            try {
                return option.apply(options, value instanceof String text ? option.parse(text) : value);
            } catch (InvalidOptionException invalid) {
                throw invalid(key, value, invalid.requirement(), option.action());
            }
        }

        /**
         * Spring Boot reads a bare number as milliseconds, so {@code processing-interval: 5} would
         * silently mean 5 ms where 5 s was likely meant. The configuration refuses what the
         * Actuator endpoint refuses: one rule for both, {@link RuntimeOption#isDurationWithoutUnit}.
         */
        private void requireUnit(String key, Object value) {
            String raw = this.rawValues.apply(this.source);
            if (raw != null && RuntimeOption.isDurationWithoutUnit(raw)) {
                throw invalid(key, value, "a duration needs a unit",
                        "Set it with a unit, such as " + raw.trim() + "ms or " + raw.trim() + "s.");
            }
        }

        TidefallConfigurationException invalid(String key, Object value, String reason, String action) {
            String raw = this.rawValues.apply(this.source);
            String shown = raw != null ? raw : (value instanceof Duration duration ? duration.toString() : String.valueOf(value));
            return new TidefallConfigurationException(this.name,
                    "Buffer '" + this.name + "': " + this.source + " is '" + shown + "', which is invalid: " + reason + ".",
                    this.source.startsWith(PREFIX + "defaults.")
                            ? action.replace("Set it", "Set " + this.source) + " It is the default of every buffer; "
                                    + own(key) + " overrides it for this one."
                            : action.replace("Set it", "Set " + this.source));
        }
    }
}

package io.tidefall.spring.autoconfigure;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

import io.tidefall.BatchSize;
import io.tidefall.Buffer;
import io.tidefall.BufferOptions;
import io.tidefall.OverflowPolicy;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;

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
 */
record BufferDefinition(String name, Type type, String processor, Integer partitions, BufferOptions options,
        String failureHandler, String failureHandlerProperty) {

    static final String PREFIX = "tidefall.";

    /** The buffer types, as written in {@code tidefall.buffers.<name>.type}. */
    enum Type {
        QUEUE("queue", TidefallQueue.class),
        HASH_MAP("hash-map", TidefallHashMap.class);

        private final String value;
        private final Class<? extends Buffer> beanClass;

        Type(String value, Class<? extends Buffer> beanClass) {
            this.value = value;
            this.beanClass = beanClass;
        }

        String value() {
            return this.value;
        }

        Class<? extends Buffer> beanClass() {
            return this.beanClass;
        }

        /** Accepts the relaxed forms Spring Boot accepts for enums: hash-map, hash_map, hashMap, HASH_MAP. */
        static Type parse(String text) {
            if (text == null) {
                return QUEUE;
            }
            String canonical = text.trim().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
            for (Type type : values()) {
                if (type.value.replace("-", "").equals(canonical)) {
                    return type;
                }
            }
            return null;
        }
    }

    /** Resolves every configured buffer, failing on the first invalid value. */
    static List<BufferDefinition> resolveAll(TidefallProperties properties, Function<String, String> rawValues) {
        List<BufferDefinition> definitions = new ArrayList<>();
        for (Map.Entry<String, TidefallProperties.Buffer> entry : properties.getBuffers().entrySet()) {
            definitions.add(resolve(entry.getKey(), entry.getValue(), properties.getDefaults(), rawValues));
        }
        return definitions;
    }

    /**
     * @param rawValues the text of a property as the application wrote it ({@code "-5s"} rather
     *     than {@code PT-5S}), or {@code null} when unknown
     */
    static BufferDefinition resolve(String name, TidefallProperties.Buffer buffer, TidefallProperties.Options defaults,
            Function<String, String> rawValues) {
        Resolver resolver = new Resolver(name, buffer, defaults, rawValues);
        Type type = Type.parse(buffer.getType());
        if (type == null) {
            throw new TidefallConfigurationException(name,
                    "Buffer '" + name + "': " + resolver.own("type") + " is '" + buffer.getType() + "', which is not a buffer type.",
                    "Set " + resolver.own("type") + " to 'queue' (keeps every item) or 'hash-map' (coalesces writes by key).");
        }
        String processor = buffer.getProcessor();
        if (processor != null && processor.isBlank()) {
            throw new TidefallConfigurationException(name,
                    "Buffer '" + name + "': " + resolver.own("processor") + " is blank.",
                    "Set it to the name of a BatchProcessor bean, or remove it and annotate one bean method with @TidefallProcessor(\""
                            + name + "\").");
        }
        Integer partitions = resolver.pick("partitions", TidefallProperties.Options::getPartitions);
        if (partitions != null && partitions < 1) {
            throw resolver.invalid("partitions", partitions, "must be at least 1",
                    "Set it to 1 or more, or remove it to use one partition per available processor.");
        }
        BufferOptions options = BufferOptions.defaults();
        options = resolver.apply(options, "processing-interval", TidefallProperties.Options::getProcessingInterval,
                (o, v) -> o.withProcessingInterval(v), "Set it to a positive duration such as 5s or 250ms.");
        options = resolver.apply(options, "processing-timeout", TidefallProperties.Options::getProcessingTimeout,
                (o, v) -> o.withProcessingTimeout(v), "Set it to a positive duration such as 60s.");
        options = resolver.apply(options, "processing-batch-size", TidefallProperties.Options::getProcessingBatchSize,
                (o, v) -> o.withProcessingBatchSize(BatchSize.parse(v)),
                "Set it to a positive number of elements per processor call, or to 'table' to receive each retired table whole.");
        options = resolver.apply(options, "drain-threshold", TidefallProperties.Options::getDrainThreshold,
                (o, v) -> o.withDrainThreshold(v), "Set it to a positive number of elements, or remove it to turn early drains off.");
        options = resolver.apply(options, "drain-check-interval", TidefallProperties.Options::getDrainCheckInterval,
                (o, v) -> o.withDrainCheckInterval(v), "Set it to a positive duration such as 1s.");
        options = resolver.apply(options, "capacity", TidefallProperties.Options::getCapacity,
                (o, v) -> o.withCapacity(v), "Set it to a positive number of elements per partition, or remove it for unbounded partitions.");
        options = resolver.apply(options, "overflow", TidefallProperties.Options::getOverflow,
                (o, v) -> o.withOverflow(overflow(v)),
                "Set it to 'block' (wait for room up to max-block), 'drop' (discard the write) or 'fail' (throw BufferFullException).");
        options = resolver.apply(options, "max-block", TidefallProperties.Options::getMaxBlock,
                (o, v) -> o.withMaxBlock(v), "Set it to a positive duration such as 1s.");
        options = resolver.apply(options, "processing-retries", TidefallProperties.Options::getProcessingRetries,
                (o, v) -> o.withProcessingRetries(v), "Set it to 0 (no retries) or more.");
        options = resolver.apply(options, "retry-backoff", TidefallProperties.Options::getRetryBackoff,
                (o, v) -> o.withRetryBackoff(v), "Set it to 0ms or a positive duration such as 100ms.");
        options = resolver.apply(options, "retry-backoff-max", TidefallProperties.Options::getRetryBackoffMax,
                (o, v) -> o.withRetryBackoffMax(v), "Set it to 0ms or a positive duration such as 5s: the pauses between retries grow from retry-backoff up to it.");
        options = resolver.apply(options, "delivery-timeout", TidefallProperties.Options::getDeliveryTimeout,
                (o, v) -> o.withDeliveryTimeout(v),
                "Set it to a positive duration such as 2m: how long a failed chunk is retried before it goes to the failure handler.");
        String failureHandler = resolver.pick("failure-handler", TidefallProperties.Options::getFailureHandler);
        String failureHandlerProperty = resolver.source;
        if (failureHandler != null && failureHandler.isBlank()) {
            throw resolver.invalid("failure-handler", failureHandler, "must name a bean",
                    "Set it to the name of a BatchFailureHandler bean, or remove it to have lost elements logged.");
        }
        return new BufferDefinition(name, type, processor, partitions, options, failureHandler, failureHandlerProperty);
    }

    /** Accepts block, drop and fail in any case; anything else is reported with the valid values. */
    private static OverflowPolicy overflow(String text) {
        String canonical = text.trim().toUpperCase(Locale.ROOT);
        for (OverflowPolicy policy : OverflowPolicy.values()) {
            if (policy.name().equals(canonical)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("overflow must be one of block, drop, fail, but was " + text);
    }

    /** The property under this buffer's own key, e.g. {@code tidefall.buffers.events.processor}. */
    String property(String key) {
        return PREFIX + "buffers." + this.name + "." + key;
    }

    /** Picks each option from the buffer, then the defaults, and remembers which property it came from. */
    private static final class Resolver {

        private final String name;
        private final TidefallProperties.Buffer buffer;
        private final TidefallProperties.Options defaults;
        private final Function<String, String> rawValues;
        private String source;

        Resolver(String name, TidefallProperties.Buffer buffer, TidefallProperties.Options defaults,
                Function<String, String> rawValues) {
            this.name = name;
            this.buffer = buffer;
            this.defaults = defaults;
            this.rawValues = rawValues;
        }

        String own(String key) {
            return PREFIX + "buffers." + this.name + "." + key;
        }

        <V> V pick(String key, Function<TidefallProperties.Options, V> getter) {
            V value = getter.apply(this.buffer);
            if (value != null) {
                this.source = own(key);
            } else {
                this.source = PREFIX + "defaults." + key;
                value = getter.apply(this.defaults);
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

        <V> BufferOptions apply(BufferOptions options, String key, Function<TidefallProperties.Options, V> getter,
                OptionWither<V> wither, String action) {
            V value = pick(key, getter);
            if (value == null) {
                return options;
            }
            if (value instanceof Duration) {
                requireUnit(key, value);
            }
            try {
                return wither.apply(options, value);
            } catch (IllegalArgumentException invalid) {
                throw invalid(key, value, reason(invalid.getMessage()), action);
            }
        }

        /**
         * Spring Boot reads a bare number as milliseconds, so {@code processing-interval: 5} would
         * silently mean 5 ms where 5 s was likely meant. The Actuator endpoint refuses a bare number
         * as ambiguous; so does the configuration, one rule for both.
         */
        private void requireUnit(String key, Object value) {
            String raw = this.rawValues.apply(this.source);
            if (raw != null && raw.trim().matches("[-+]?[0-9]+") && !raw.trim().matches("[-+]?0+")) { // zero is zero in any unit
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

        /** "processingInterval must be a positive duration, but was PT-5S" -> "must be a positive duration". */
        private static String reason(String message) {
            if (message == null) {
                return "rejected";
            }
            int start = message.indexOf(" must ");
            int end = message.lastIndexOf(", but was");
            return start >= 0 && end > start ? message.substring(start + 1, end) : message;
        }
    }

    @FunctionalInterface
    private interface OptionWither<V> {
        BufferOptions apply(BufferOptions options, V value);
    }
}

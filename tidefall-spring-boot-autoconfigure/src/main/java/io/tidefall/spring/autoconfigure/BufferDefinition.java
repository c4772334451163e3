package io.tidefall.spring.autoconfigure;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

import io.tidefall.BufferBuilder;
import io.tidefall.BufferOptions;
import io.tidefall.Durability;
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
 * @param durability what a write that returned survives
 * @param journalLimit the most bytes a durable buffer's journal holds
 * @param codec the name of the ElementCodec bean of the elements (a hash map's values), or {@code null} for JSON
 * @param keyCodec the name of the ElementCodec bean of a hash map's keys, or {@code null} for JSON
 */
record BufferDefinition(String name, BufferType type, @Nullable String processor, @Nullable Integer partitions,
        BufferOptions options, @Nullable String failureHandler, String failureHandlerProperty, @Nullable SinkProperties sink,
        Durability durability, long journalLimit, @Nullable String codec, @Nullable String keyCodec) {

    /** The smallest journal limit the engine takes. */
    static final long MIN_JOURNAL_LIMIT = 1024;

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
        // A default every buffer overrides, or with no buffer at all, is still checked: it is a mistake waiting.
        Resolver defaults = new Resolver(null, null, properties.getDefaults(), rawValues);
        for (RuntimeOption option : RuntimeOption.values()) {
            defaults.set(BufferOptions.builder(), option);
        }
        defaults.durability();
        defaults.journalLimit();
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
        Integer partitions = (Integer) resolver.pick("partitions", Options::getPartitions);
        if (partitions != null && partitions < 1) {
            throw resolver.invalid("partitions", partitions, "must be at least 1",
                    "Set it to 1 or more, or remove it to use one partition per available processor.");
        }
        BufferOptions.Builder options = BufferOptions.builder();
        for (RuntimeOption option : RuntimeOption.values()) {
            resolver.set(options, option);
        }
        String failureHandler = (String) resolver.pick("failure-handler", Options::getFailureHandler);
        String failureHandlerProperty = resolver.source;
        if (failureHandler != null && failureHandler.isBlank()) {
            throw resolver.invalid("failure-handler", failureHandler, "must name a bean",
                    "Set it to the name of a BatchFailureHandler bean, or remove it to have lost elements logged.");
        }
        BufferType resolvedType = type != null ? type : BufferType.QUEUE;
        Durability durability = resolver.durability();
        long journalLimit = resolver.journalLimit();
        String codec = resolver.beanName("codec", buffer.getCodec());
        String keyCodec = resolver.beanName("key-codec", buffer.getKeyCodec());
        if (keyCodec != null && resolvedType != BufferType.HASH_MAP) {
            throw resolver.invalid("key-codec", keyCodec, "a " + resolvedType.value() + " has no keys",
                    "Remove it, and name the codec of the items with " + resolver.own("codec") + ".");
        }
        return new BufferDefinition(name, resolvedType, processor, partitions, options.build(),
                failureHandler, failureHandlerProperty, buffer.getSink(), durability, journalLimit, codec, keyCodec);
    }

    /** Whether the buffer journals its writes: durability {@code process} or {@code sync}. */
    boolean durable() {
        return this.durability != Durability.MEMORY;
    }

    /** The property under this buffer's own key, e.g. {@code tidefall.buffers.events.processor}. */
    String property(String key) {
        return PREFIX + "buffers." + this.name + "." + key;
    }

    /**
     * Picks each option from the buffer, then the defaults, and remembers which property it came
     * from; without a buffer, checks the defaults alone.
     */
    private static final class Resolver {

        private final @Nullable String name;
        private final List<Options> levels;
        private final Function<String, @Nullable String> rawValues;
        private String source = "";

        /** {@code name} and {@code buffer} are both {@code null} to check the defaults alone. */
        Resolver(@Nullable String name, @Nullable BufferProperties buffer, Options defaults,
                Function<String, @Nullable String> rawValues) {
            this.name = name;
            this.levels = buffer != null ? List.of(buffer, defaults) : List.of(defaults);
            this.rawValues = rawValues;
        }

        String own(String key) {
            return PREFIX + "buffers." + this.name + "." + key;
        }

        private String sourceOf(int level, String key) {
            return this.levels.size() == 2 && level == 0 ? own(key) : PREFIX + "defaults." + key;
        }

        <V> @Nullable Object pick(String key, Function<Options, @Nullable V> getter) {
            Object value = null;
            for (int level = 0; level < this.levels.size(); level++) {
                this.source = sourceOf(level, key);
                value = getter.apply(this.levels.get(level));
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

        /**
         * Sets {@code option} as configured, read from its text by {@link RuntimeOption#parse} as the
         * endpoint reads it, and checked on its own so that a refusal names the property that
         * supplied the value; leaves the engine's default when it is not configured.
         */
        void set(BufferOptions.Builder options, RuntimeOption option) {
            String key = option.property();
            String text = text(key);
            if (text == null) {
                return;
            }
            if (option.read(BufferOptions.defaults()) instanceof Duration && RuntimeOption.isDurationWithoutUnit(text)) {
                // Spring Boot would read a bare number as milliseconds: say so, with both readings.
                throw invalid(key, text, "a duration needs a unit",
                        "Set it with a unit, such as " + text.trim() + "ms or " + text.trim() + "s.");
            }
            Object value;
            try {
                value = option.parse(text);
                option.apply(BufferOptions.defaults(), value);
            } catch (InvalidOptionException invalid) {
                throw invalid(key, text, invalid.requirement(), option.action());
            }
            option.set(options, value);
        }

        /**
         * The durability, from the buffer, then the defaults; {@link Durability#MEMORY} when neither
         * sets it. A text that is none of the values arrives unbound ({@code TidefallBufferRegistrar}
         * lets it through), and is refused here, naming the property that supplied it.
         */
        Durability durability() {
            for (int level = 0; level < this.levels.size(); level++) {
                this.source = sourceOf(level, "durability");
                Durability value = this.levels.get(level).getDurability();
                if (value != null) {
                    return value;
                }
                String text = this.rawValues.apply(this.source);
                if (text != null) {
                    throw invalid("durability", text, "must be one of memory, process, sync",
                            "Set it to memory (a crash loses what was not delivered), process (survives the process's death)"
                                    + " or sync (survives a power loss too).");
                }
            }
            return Durability.MEMORY;
        }

        /** The journal limit in bytes, from the buffer, then the defaults, then the engine's default. */
        long journalLimit() {
            DataSize limit = (DataSize) pick("journal-limit", Options::getJournalLimit);
            if (limit == null) {
                return BufferBuilder.DEFAULT_JOURNAL_LIMIT;
            }
            if (limit.toBytes() < MIN_JOURNAL_LIMIT) {
                throw invalid("journal-limit", limit, "must be at least 1KB",
                        "Set it to the most disk space the buffer's journal may take, such as 256MB.");
            }
            return limit.toBytes();
        }

        /** A bean name set under the buffer's own {@code key}; refused when blank. */
        @Nullable String beanName(String key, @Nullable String name) {
            this.source = own(key);
            if (name != null && name.isBlank()) {
                throw invalid(key, name, "must name a bean",
                        "Set it to the name of an ElementCodec bean, or remove it to journal the elements as JSON.");
            }
            return name;
        }

        /** The text of {@code key} from the buffer's own entry, else from the defaults; {@code null} when neither sets it. */
        private @Nullable String text(String key) {
            for (int level = 0; level < this.levels.size(); level++) {
                this.source = sourceOf(level, key);
                String text = this.rawValues.apply(this.source);
                if (text != null) {
                    return text;
                }
            }
            return null;
        }

        TidefallConfigurationException invalid(String key, Object value, String reason, String action) {
            String raw = this.rawValues.apply(this.source);
            String shown = raw != null ? raw : (value instanceof Duration duration ? duration.toString() : String.valueOf(value));
            String problem = this.source + " is '" + shown + "', which is invalid: " + reason + ".";
            String set = action.replace("Set it", "Set " + this.source);
            if (this.name == null) {
                return new TidefallConfigurationException(null, problem, set + " It is the default of every buffer.");
            }
            return new TidefallConfigurationException(this.name, "Buffer '" + this.name + "': " + problem,
                    this.source.startsWith(PREFIX + "defaults.")
                            ? set + " It is the default of every buffer; " + own(key) + " overrides it for this one."
                            : set);
        }
    }
}

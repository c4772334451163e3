package io.tidefall.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.system.ApplicationTemp;
import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

import io.tidefall.BatchProcessor;
import io.tidefall.BufferBuilder;
import io.tidefall.ElementCodec;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.deadletter.BufferFolders;

/**
 * Gives each durable buffer ({@code durability: process} or {@code sync}) its write-ahead journal:
 * a folder named after the buffer (encoded as the dead-letter store encodes it) under
 * {@code tidefall.journal.directory}, else under {@code tidefall-journal} in Spring Boot's
 * {@link ApplicationTemp}, said at startup, with its limit and its codecs.
 *
 * <p>Codecs: the {@code ElementCodec} bean named by {@code codec} (a queue's items, a hash map's
 * values) and {@code key-codec} (a hash map's keys); else JSON with the application's Jackson
 * mapper ({@link JsonJournalCodecs}), for the element type the buffer's processor declares when
 * it declares a concrete one, checked at startup; else each record names its element's class.
 * A durable buffer with neither a codec bean nor Jackson fails the startup.
 *
 * <p>Called by {@link TidefallBufferFactory#create} only, under its lock: {@code root} needs no
 * other guard.
 */
final class BufferJournals {

    /** The folder of the application's temporary directory that holds the journals when no directory is set. */
    static final String DEFAULT_FOLDER = "tidefall-journal";

    static final String DIRECTORY_PROPERTY = "tidefall.journal.directory";

    private static final String JACKSON = "tools.jackson.databind.ObjectMapper";

    private static final Log logger = LogFactory.getLog(BufferJournals.class);

    private final ConfigurableListableBeanFactory beanFactory;
    private final TidefallProperties properties;
    private @Nullable Path root;

    BufferJournals(ConfigurableListableBeanFactory beanFactory, TidefallProperties properties) {
        this.beanFactory = beanFactory;
        this.properties = properties;
    }

    /** Makes {@code builder} durable as {@code definition} says; does nothing for a {@code memory} buffer. */
    @SuppressWarnings("unchecked")
    void configure(BufferBuilder<?, ?> builder, BufferDefinition definition) {
        if (!definition.durable()) {
            return;
        }
        Path directory = directory(definition);
        builder.durability(definition.durability()).journalDirectory(directory).journalLimit(definition.journalLimit());
        ResolvableType element = elementType(definition);
        if (builder instanceof TidefallQueue.Builder<?> queue) {
            ((TidefallQueue.Builder<Object>) queue).codec(codec(definition, "codec", definition.codec(), element.resolve(), "items"));
        } else if (builder instanceof TidefallHashMap.Builder<?, ?> map) {
            ((TidefallHashMap.Builder<Object, Object>) map).codec(
                    codec(definition, "key-codec", definition.keyCodec(), element.getGeneric(0).resolve(), "keys"),
                    codec(definition, "codec", definition.codec(), element.getGeneric(1).resolve(), "values"));
        }
        if (logger.isInfoEnabled()) {
            logger.info("Buffer '" + definition.name() + "' journals the writes it accepts (durability "
                    + definition.durability().name().toLowerCase(java.util.Locale.ROOT) + ") in " + directory
                    + (this.properties.getJournal().getDirectory() == null
                            ? ", in the application's temporary directory, since " + DIRECTORY_PROPERTY + " is not set" : "")
                    + "; in a container that directory must be on a persistent volume, or a new container cannot replay"
                    + " what the previous one accepted");
        }
    }

    /** The journal folder of {@code definition}'s buffer, created with the root directory. */
    private Path directory(BufferDefinition definition) {
        Path configured = this.properties.getJournal().getDirectory();
        if (this.root == null) {
            this.root = configured != null ? configured : new ApplicationTemp().getDir(DEFAULT_FOLDER).toPath();
        }
        Path directory = this.root.resolve(BufferFolders.encode(definition.name()));
        try {
            Files.createDirectories(directory);
        } catch (IOException | RuntimeException unusable) {
            throw unusable(definition, unusable);
        }
        return directory;
    }

    /** The failure of a journal directory that cannot be made or used, naming the property that chose it. */
    TidefallConfigurationException unusable(BufferDefinition definition, Throwable cause) {
        String buffer = definition.name();
        Path configured = this.properties.getJournal().getDirectory();
        String where = configured != null ? DIRECTORY_PROPERTY + " is '" + configured + "', which"
                : "the journal directory " + this.root + " (" + DIRECTORY_PROPERTY + " is not set)";
        return new TidefallConfigurationException(buffer,
                "Buffer '" + buffer + "' has durability " + durability(definition) + ", but " + where + " cannot be used: " + cause + ".",
                "Set " + DIRECTORY_PROPERTY + " to a directory the application can create and write to, on a persistent volume"
                        + " (not a tmpfs) so that the journal outlives the process, or set the buffer's durability to memory.");
    }

    /**
     * The element type the buffer's processor declares (a queue's item, a hash map's
     * {@code TidefallHashMap.Entry<K, V>}), read from the processor bean's class or the
     * {@code @TidefallProcessor} method's parameter without creating either; {@link ResolvableType#NONE}
     * for a sink, whose elements are of any type.
     */
    private ResolvableType elementType(BufferDefinition definition) {
        String processor = definition.processor();
        if (processor != null) {
            Class<?> beanType = this.beanFactory.containsBean(processor) ? this.beanFactory.getType(processor) : null;
            return beanType == null ? ResolvableType.NONE : ResolvableType.forClass(BatchProcessor.class, beanType).getGeneric(0);
        }
        if (ConfiguredSinks.kind(definition) != null) {
            return ResolvableType.NONE;
        }
        List<ProcessorBinder.AnnotatedMethod> methods = ProcessorBinder.findAnnotatedMethods(this.beanFactory)
                .getOrDefault(definition.name(), List.of());
        if (methods.size() != 1 || methods.get(0).method.getParameterCount() != 1) {
            return ResolvableType.NONE; // the processor binder fails the startup on this, with its own message
        }
        return ResolvableType.forMethodParameter(methods.get(0).method, 0).getGeneric(0);
    }

    private ElementCodec<Object> codec(BufferDefinition definition, String key, @Nullable String bean, @Nullable Class<?> type,
            String what) {
        String property = definition.property(key);
        if (bean != null) {
            return namedCodec(definition, property, bean);
        }
        if (!ClassUtils.isPresent(JACKSON, this.beanFactory.getBeanClassLoader())) {
            throw new TidefallConfigurationException(definition.name(),
                    "Buffer '" + definition.name() + "' has durability " + durability(definition) + ", which journals its " + what
                            + " through a codec, but " + property + " names no ElementCodec bean and Jackson"
                            + " (tools.jackson.core:jackson-databind), which journals them as JSON by default, is not on the class path.",
                    "Add Jackson (spring-boot-starter-jackson), or set " + property + " to the name of an ElementCodec bean,"
                            + " or set " + definition.property("durability") + " to memory.");
        }
        return JsonJournalCodecs.codec(this.beanFactory, definition, property, type, what);
    }

    @SuppressWarnings("unchecked")
    private ElementCodec<Object> namedCodec(BufferDefinition definition, String property, String bean) {
        if (!this.beanFactory.containsBean(bean) || !this.beanFactory.isTypeMatch(bean, ElementCodec.class)) {
            String[] known = this.beanFactory.getBeanNamesForType(ElementCodec.class);
            throw new TidefallConfigurationException(definition.name(),
                    "Buffer '" + definition.name() + "': " + property + " is '" + bean + "', but there is no ElementCodec bean of that name"
                            + (this.beanFactory.containsBean(bean) ? " (a bean '" + bean + "' exists, of another type)" : "") + ".",
                    "Set " + property + " to the name of an ElementCodec bean"
                            + (known.length > 0 ? " (" + String.join(", ", known) + ")" : "")
                            + ", or remove it to journal the elements as JSON with the application's Jackson mapper.");
        }
        return this.beanFactory.getBean(bean, ElementCodec.class);
    }

    static String durability(BufferDefinition definition) {
        return definition.durability().name().toLowerCase(java.util.Locale.ROOT);
    }
}

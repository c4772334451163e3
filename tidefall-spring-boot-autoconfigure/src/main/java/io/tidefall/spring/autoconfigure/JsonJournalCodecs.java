package io.tidefall.spring.autoconfigure;

import java.lang.reflect.Modifier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

import io.tidefall.ElementCodec;
import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.journal.JsonElementCodec;
import io.tidefall.spring.journal.TaggedJsonElementCodec;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * A durable buffer's default codec: JSON with the application's Jackson mapper (Boot's, customized
 * by {@code spring.jackson.*}). Loaded only when Jackson is on the class path.
 *
 * <p>When the buffer's processor declares a concrete element type, the records hold the elements'
 * JSON alone ({@link JsonElementCodec}), and the type is checked at startup: one Jackson cannot
 * write, or cannot create again on replay, fails the startup naming the buffer and the type. When
 * it declares none the starter can use (a sink, {@code Object}, an interface or abstract class),
 * each record names its element's class too ({@link TaggedJsonElementCodec}), so that every
 * element comes back as what it was; such a type cannot be checked before the first write.
 */
final class JsonJournalCodecs {

    private JsonJournalCodecs() {
    }

    @SuppressWarnings("unchecked")
    static ElementCodec<Object> codec(ConfigurableListableBeanFactory beanFactory, BufferDefinition definition, String property,
            @Nullable Class<?> type, String what) {
        ObjectMapper mapper = beanFactory.getBeanProvider(ObjectMapper.class).getIfUnique(() -> JsonMapper.builder().build());
        if (type == null || type == Object.class || type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            ClassLoader loader = beanFactory.getBeanClassLoader();
            return (ElementCodec<Object>) (ElementCodec<?>) TaggedJsonElementCodec.of(mapper,
                    loader != null ? loader : JsonJournalCodecs.class.getClassLoader());
        }
        String problem = JsonElementCodec.problem(mapper, type);
        if (problem != null) {
            throw new TidefallConfigurationException(definition.name(),
                    "Buffer '" + definition.name() + "' has durability " + BufferJournals.durability(definition) + " and journals its "
                            + what + " of type " + type.getName() + " as JSON, but " + problem + ".",
                    "Make " + type.getSimpleName() + " a record, or give it getters and a constructor Jackson can call (or a"
                            + " @JsonCreator), or set " + property + " to the name of an ElementCodec bean that writes it.");
        }
        return (ElementCodec<Object>) (ElementCodec<?>) JsonElementCodec.of(mapper, type);
    }
}

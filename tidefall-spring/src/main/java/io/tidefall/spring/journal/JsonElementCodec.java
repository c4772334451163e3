package io.tidefall.spring.journal;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.tidefall.ElementCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.ser.impl.UnknownSerializer;

/**
 * A durable buffer's elements as JSON, with the application's Jackson mapper: records and beans
 * as the rest of the application writes them. The element type is fixed, so a journal record holds
 * the element's JSON only.
 *
 * @param <T> the element type (a queue's items, a hash map's keys or values)
 */
public final class JsonElementCodec<T> implements ElementCodec<T> {

    private final ObjectMapper mapper;
    private final JavaType type;

    private JsonElementCodec(ObjectMapper mapper, JavaType type) {
        this.mapper = mapper;
        this.type = type;
    }

    /** Elements of {@code type}, written and read by {@code mapper}. */
    public static <T> JsonElementCodec<T> of(ObjectMapper mapper, Class<T> type) {
        Objects.requireNonNull(mapper, "mapper must not be null");
        Objects.requireNonNull(type, "type must not be null");
        return new JsonElementCodec<>(mapper, mapper.constructType(type));
    }

    /**
     * Why {@code mapper} cannot journal elements of {@code type} (write them, or read them back on
     * replay), as far as Jackson tells without an element; {@code null} when it can. Catches the usual
     * mistakes at startup rather than at the first write: a class with nothing Jackson writes (no
     * getters, no public fields), or one it cannot create (no constructor it can call, no creator).
     */
    public static @Nullable String problem(ObjectMapper mapper, Class<?> type) {
        JavaType javaType = mapper.constructType(type);
        try {
            if (mapper._serializationContext().findTypedValueSerializer(javaType, true) instanceof UnknownSerializer) {
                return "Jackson finds nothing to write in " + type.getName()
                        + " (no getters, no public fields, not a record), so it would journal every element as {}";
            }
            ValueDeserializer<Object> reader = mapper._deserializationContext().findRootValueDeserializer(javaType);
            if (reader instanceof ValueInstantiator.Gettable gettable && gettable.getValueInstantiator() != null
                    && !gettable.getValueInstantiator().canInstantiate()) {
                return "Jackson cannot create a " + type.getName() + " to read the journal back (no constructor without"
                        + " parameters, no @JsonCreator, not a record)";
            }
        } catch (JacksonException unusable) {
            return "Jackson cannot journal " + type.getName() + ": " + unusable.getOriginalMessage();
        }
        return null;
    }

    @Override
    public byte[] encode(T element) {
        try {
            return mapper.writeValueAsBytes(element);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot write " + type.getTypeName() + " as JSON for the journal: "
                    + e.getOriginalMessage(), e);
        }
    }

    @Override
    public T decode(byte[] bytes) {
        return mapper.readValue(bytes, type);
    }
}

package io.tidefall.spring.journal;

import java.util.Objects;

import io.tidefall.ElementCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectMapper;

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

package io.tidefall.spring.journal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.util.ClassUtils;

import io.tidefall.ElementCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;

/**
 * A durable buffer's elements as JSON, each record naming its element's class, for a buffer whose
 * element type the starter cannot learn (a buffer fed to a sink, a processor of {@code Object}, an
 * interface): every element comes back as the class it was pushed as, as the dead-letter store
 * does it. A record is the class name in UTF-8, a line feed (which no class name holds), then the
 * element's JSON.
 *
 * <p>Classes are loaded with the application's class loader when the journal is replayed; the
 * journal is written by the application into a directory only it should be able to write to.
 */
public final class TaggedJsonElementCodec implements ElementCodec<Object> {

    private static final byte SEPARATOR = '\n';

    private final ObjectMapper mapper;
    /** Writes each element on one line, even when the application indents its JSON. */
    private final ObjectWriter writer;
    private final ClassLoader classLoader;
    /** The record prefix of each class written so far; any thread may add one. */
    private final ClassValue<byte[]> prefixes = new ClassValue<>() {
        @Override
        protected byte[] computeValue(Class<?> type) {
            byte[] name = type.getName().getBytes(StandardCharsets.UTF_8);
            byte[] prefix = new byte[name.length + 1];
            System.arraycopy(name, 0, prefix, 0, name.length);
            prefix[name.length] = SEPARATOR;
            return prefix;
        }
    };
    /** The classes replayed records name, loaded once each; any thread may add one. */
    private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

    private TaggedJsonElementCodec(ObjectMapper mapper, ClassLoader classLoader) {
        this.mapper = mapper;
        this.writer = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
        this.classLoader = classLoader;
    }

    /** Elements of any class, written and read by {@code mapper}, their classes loaded with {@code classLoader}. */
    public static TaggedJsonElementCodec of(ObjectMapper mapper, ClassLoader classLoader) {
        return new TaggedJsonElementCodec(Objects.requireNonNull(mapper, "mapper must not be null"),
                Objects.requireNonNull(classLoader, "classLoader must not be null"));
    }

    @Override
    public byte[] encode(Object element) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(this.prefixes.get(element.getClass()));
        try {
            this.writer.writeValue(out, element);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot write " + element.getClass().getName() + " as JSON for the journal: "
                    + e.getOriginalMessage(), e);
        }
        return out.toByteArray();
    }

    @Override
    public Object decode(byte[] bytes) {
        int separator = 0;
        while (separator < bytes.length && bytes[separator] != SEPARATOR) {
            separator++;
        }
        if (separator == bytes.length) {
            throw new IllegalArgumentException("a journal record without its element's class name");
        }
        String name = new String(bytes, 0, separator, StandardCharsets.UTF_8);
        Class<?> type = this.classes.computeIfAbsent(name, this::load);
        return this.mapper.readValue(bytes, separator + 1, bytes.length - separator - 1, type);
    }

    private Class<?> load(String name) {
        try {
            return ClassUtils.forName(name, this.classLoader);
        } catch (ClassNotFoundException | LinkageError missing) {
            throw new IllegalArgumentException("a journal record of class " + name + ", which the application does not have", missing);
        }
    }
}

package io.tidefall.spring.deadletter;

import java.io.ByteArrayOutputStream;

import org.springframework.util.ClassUtils;

import io.tidefall.TidefallHashMap;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.SerializationFeature;

/**
 * One dead letter as one line of JSON, written and read with the application's
 * {@link ObjectMapper}.
 *
 * <p>Each line names the concrete class of what it stores, so that an element comes back as the
 * type it was, whatever the buffer's declared element type (a buffer bean's type arguments are
 * erased, so the store cannot learn them): a queue item as
 * {@code {"type":"com.example.PageView","element":{...}}}, a hash-map entry as
 * {@code {"keyType":"java.lang.String","key":"u1","valueType":"com.example.Presence","value":{...},"version":7}}.
 * Fields inside an element are read back by their declared types, as Jackson always does; a field
 * declared as {@code Object} comes back as what Jackson makes of untyped JSON (a map, a list, a
 * string or a number). Classes are loaded with the application's class loader; the files are
 * written by the application into a directory only it should be able to write to.
 */
final class DeadLetterCodec {

    private final ObjectMapper mapper;
    private final ObjectWriter writer;
    private final ClassLoader classLoader;

    DeadLetterCodec(ObjectMapper mapper, ClassLoader classLoader) {
        this.mapper = mapper;
        // One element per line, even when the application indents its JSON (spring.jackson.serialization.indent-output).
        this.writer = mapper.writer().without(SerializationFeature.INDENT_OUTPUT);
        this.classLoader = classLoader;
    }

    /**
     * Writes the line of one element, without its line separator, to {@code out}; writes nothing
     * when the element cannot be written as JSON (the exception says why). Streams the element
     * straight into the line (no tree), since a close hands whole tables to the store.
     */
    void encode(Object element, int partition, String failedAt, String cause, ByteArrayOutputStream out) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        try (JsonGenerator json = this.writer.createGenerator(line)) {
            json.writeStartObject();
            json.writeStringProperty("failedAt", failedAt);
            json.writeNumberProperty("partition", partition);
            json.writeStringProperty("cause", cause);
            if (element instanceof TidefallHashMap.Entry<?, ?> entry) {
                json.writeStringProperty("keyType", entry.key().getClass().getName());
                json.writePOJOProperty("key", entry.key());
                json.writeStringProperty("valueType", entry.value().getClass().getName());
                json.writePOJOProperty("value", entry.value());
                json.writeNumberProperty("version", entry.version());
            }
            else {
                json.writeStringProperty("type", element.getClass().getName());
                json.writePOJOProperty("element", element);
            }
            json.writeEndObject();
        }
        out.writeBytes(line.toByteArray());
    }

    /**
     * A line read back: a queue item, or a hash-map entry with its version (and no updates, which
     * the store does not keep), as {@link io.tidefall.spring.BufferType#writeBack} takes them.
     */
    Object decode(String text) {
        JsonNode line = this.mapper.readTree(text);
        if (line.has("keyType")) {
            Object key = read(line, "keyType", "key");
            Object value = read(line, "valueType", "value");
            return new TidefallHashMap.Entry<>(key, value, line.path("version").asLong(), 0);
        }
        return read(line, "type", "element");
    }

    private Object read(JsonNode line, String typeField, String valueField) {
        JsonNode type = line.get(typeField);
        JsonNode value = line.get(valueField);
        if (type == null || !type.isString() || value == null) {
            throw new IllegalArgumentException("the line has no '" + typeField + "' and '" + valueField + "'");
        }
        Class<?> target;
        try {
            target = ClassUtils.forName(type.asString(), this.classLoader);
        } catch (ClassNotFoundException | LinkageError missing) {
            throw new IllegalArgumentException("the class " + type.asString() + " is not on the class path", missing);
        }
        return this.mapper.treeToValue(value, target);
    }
}

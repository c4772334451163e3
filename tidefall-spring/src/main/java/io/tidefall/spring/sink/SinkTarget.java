package io.tidefall.spring.sink;

import io.tidefall.Buffer;
import io.tidefall.TidefallHashMap;

/**
 * What a {@link SinkFactory} builds a sink for.
 *
 * @param buffer the buffer the sink writes for (its name, its type, its live options)
 * @param property the sink's property prefix, such as {@code tidefall.buffers.events.sink}, for messages
 * @param properties the sink's configuration
 */
public record SinkTarget(Buffer buffer, String property, SinkProperties properties) {

    /** Whether the buffer is a hash-map, whose elements are {@link TidefallHashMap.Entry entries}. */
    public boolean isHashMap() {
        return this.buffer instanceof TidefallHashMap<?, ?>;
    }

    /** The buffer's name. */
    public String name() {
        return this.buffer.name();
    }

    /** The property of this sink's kind, such as {@code tidefall.buffers.events.sink.jdbc.sql}. */
    public String property(SinkKind kind, String key) {
        return this.property + "." + kind.key() + (key.isEmpty() ? "" : "." + key);
    }
}

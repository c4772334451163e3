package io.tidefall;

import java.nio.charset.StandardCharsets;

/**
 * Turns a buffer's elements (a queue's items, a hash map's keys and values) into bytes for the
 * write-ahead journal and back. Called on the writer's thread for every write of a durable buffer:
 * what {@link #encode} throws, the write throws, and nothing of it is written.
 *
 * @param <T> the type it encodes
 */
public interface ElementCodec<T> {

    /** The bytes of {@code element}; must not return {@code null}. */
    byte[] encode(T element);

    /** The element {@link #encode} made {@code bytes} of; may throw when they are not such bytes. */
    T decode(byte[] bytes);

    /** Strings as UTF-8. */
    static ElementCodec<String> utf8() {
        return new ElementCodec<>() {
            @Override
            public byte[] encode(String element) {
                return element.getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public String decode(byte[] bytes) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
        };
    }
}

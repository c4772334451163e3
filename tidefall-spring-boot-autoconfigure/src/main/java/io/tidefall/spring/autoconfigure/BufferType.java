package io.tidefall.spring.autoconfigure;

import io.tidefall.Buffer;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;

/**
 * The kinds of buffer {@code tidefall.buffers.<name>.type} can declare. Bound by Spring Boot's
 * lenient enum conversion, so {@code hash-map}, {@code hash_map}, {@code hashMap},
 * {@code HASH_MAP} and {@code hashmap} all mean {@link #HASH_MAP}.
 */
public enum BufferType {

    /** Keeps every item; the processor receives them in push order per partition. */
    QUEUE("queue", TidefallQueue.class),

    /** Coalesces writes by key; the processor receives one {@code TidefallHashMap.Entry} per key. */
    HASH_MAP("hash-map", TidefallHashMap.class);

    private final String value;
    private final Class<? extends Buffer> beanClass;

    BufferType(String value, Class<? extends Buffer> beanClass) {
        this.value = value;
        this.beanClass = beanClass;
    }

    /** The type as configuration writes it: {@code queue} or {@code hash-map}. */
    public String value() {
        return this.value;
    }

    /** The class of the buffer bean. */
    Class<? extends Buffer> beanClass() {
        return this.beanClass;
    }
}

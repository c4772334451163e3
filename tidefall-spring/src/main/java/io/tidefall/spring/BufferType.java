package io.tidefall.spring;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.tidefall.Buffer;
import io.tidefall.BufferBuilder;
import io.tidefall.JournalStats;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;

/**
 * The kinds of buffer the starter builds, each with everything that differs between them: the
 * name {@code tidefall.buffers.<name>.type} and the endpoint give it, the builder and bean class,
 * the elements its processor receives, and how a dead-lettered element is written back into it.
 * Code that handles buffers of any kind asks the type rather than testing classes.
 *
 * <p>Bound by Spring Boot's lenient enum conversion, so {@code hash-map}, {@code hash_map},
 * {@code hashMap}, {@code HASH_MAP} and {@code hashmap} all mean {@link #HASH_MAP}.
 */
public enum BufferType {

    /** Keeps every item; the processor receives them in push order per partition. */
    QUEUE("queue", TidefallQueue.class, Object.class, "YourItem", "queue item") {
        @Override
        public BufferBuilder<?, ?> builder(String name) {
            return TidefallQueue.builder(name);
        }

        /** A queue's items are of whatever type the application pushes: its processor may declare any. */
        @Override
        public boolean accepts(Class<?> declared) {
            return true;
        }

        @Override
        public boolean holds(Object element) {
            return !(element instanceof TidefallHashMap.Entry<?, ?>);
        }

        @Override
        @SuppressWarnings("unchecked")
        public boolean writeBack(Buffer buffer, Object element) {
            ((TidefallQueue<Object>) buffer).push(element);
            return true;
        }
    },

    /** Coalesces writes by key; the processor receives one {@code TidefallHashMap.Entry} per key. */
    HASH_MAP("hash-map", TidefallHashMap.class, TidefallHashMap.Entry.class, "TidefallHashMap.Entry<K, V>", "hash-map entry") {
        @Override
        public BufferBuilder<?, ?> builder(String name) {
            return TidefallHashMap.builder(name);
        }

        @Override
        public boolean holds(Object element) {
            return element instanceof TidefallHashMap.Entry<?, ?>;
        }

        /** With {@code putNewer} and the entry's version, so that a value the buffer received since wins. */
        @Override
        @SuppressWarnings("unchecked")
        public boolean writeBack(Buffer buffer, Object element) {
            TidefallHashMap.Entry<?, ?> entry = (TidefallHashMap.Entry<?, ?>) element;
            return ((TidefallHashMap<Object, Object>) buffer).putNewer(entry.key(), entry.value(), entry.version());
        }
    };

    private final String value;
    private final Class<? extends Buffer> beanClass;
    private final Class<?> elementClass;
    private final String elementName;
    private final String elementDescription;

    BufferType(String value, Class<? extends Buffer> beanClass, Class<?> elementClass, String elementName,
            String elementDescription) {
        this.value = value;
        this.beanClass = beanClass;
        this.elementClass = elementClass;
        this.elementName = elementName;
        this.elementDescription = elementDescription;
    }

    /** The type of {@code buffer}, or {@code null} for a kind of buffer the starter does not know. */
    public static @Nullable BufferType of(Buffer buffer) {
        for (BufferType type : values()) {
            if (type.beanClass.isInstance(buffer)) {
                return type;
            }
        }
        return null;
    }

    /** The write-ahead journal of a durable buffer as it stands; empty for a {@code memory} buffer or another kind. */
    public static Optional<JournalStats> journalStats(Buffer buffer) {
        if (buffer instanceof TidefallQueue<?> queue) {
            return queue.journalStats();
        }
        if (buffer instanceof TidefallHashMap<?, ?> map) {
            return map.journalStats();
        }
        return Optional.empty();
    }

    /** The type whose buffers {@linkplain #holds hold} {@code element}: a hash-map entry or a queue item. */
    public static BufferType holding(Object element) {
        return HASH_MAP.holds(element) ? HASH_MAP : QUEUE;
    }

    /** The type as configuration writes it and the endpoint shows it: {@code queue} or {@code hash-map}. */
    public String value() {
        return this.value;
    }

    /** The class of the buffer bean. */
    public Class<? extends Buffer> beanClass() {
        return this.beanClass;
    }

    /** A builder of a buffer of this type, named {@code name}. */
    public abstract BufferBuilder<?, ?> builder(String name);

    /**
     * Whether a processor declared for elements of {@code declared} (as its type arguments resolve)
     * can take this type's elements.
     */
    public boolean accepts(Class<?> declared) {
        return declared.isAssignableFrom(this.elementClass);
    }

    /** The class of the elements the processor receives, by its simple name: {@code TidefallHashMap.Entry}. */
    public String elementClassName() {
        Class<?> outer = this.elementClass.getEnclosingClass();
        return (outer != null ? outer.getSimpleName() + "." : "") + this.elementClass.getSimpleName();
    }

    /** The element type as a processor declares it: {@code TidefallHashMap.Entry<K, V>}, or a placeholder for a queue's. */
    public String elementName() {
        return this.elementName;
    }

    /** What one element is called in messages: {@code queue item}, {@code hash-map entry}. */
    public String elementDescription() {
        return this.elementDescription;
    }

    /** Whether {@code element} is of the form a buffer of this type holds (a dead letter read back, say). */
    public abstract boolean holds(Object element);

    /**
     * Writes a dead-lettered element back into {@code buffer}, a buffer of this type.
     *
     * @return {@code false} when the buffer held a newer value, which wins
     * @throws io.tidefall.BufferFullException when the buffer stays full past its {@code max-block}
     * @throws IllegalStateException when the buffer is closed
     */
    public abstract boolean writeBack(Buffer buffer, Object element);
}

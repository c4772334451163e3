package io.tidefall.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import io.tidefall.Buffer;
import io.tidefall.FlushResult;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;

/**
 * Every buffer of the application by name: the buffers configured under {@code tidefall.buffers}
 * and those the application declares as {@code @Bean}s. Actuator endpoints, health and metrics
 * find buffers here, and can observe each one with {@link Buffer#addListener}.
 *
 * <p>The buffers are looked up when asked for, not when the registry is created, so a processor
 * may depend on the registry without a dependency cycle. Names are the buffers' own
 * {@link Buffer#name() names}, which for configured buffers are also their bean names.
 */
public final class TidefallBuffers {

    private final Supplier<? extends Stream<? extends Buffer>> buffers;

    /**
     * @param buffers supplies the current buffers, each time the registry is asked (Spring's
     *     {@code ObjectProvider<Buffer>::orderedStream} in the auto-configuration)
     */
    public TidefallBuffers(Supplier<? extends Stream<? extends Buffer>> buffers) {
        this.buffers = Objects.requireNonNull(buffers, "buffers must not be null");
    }

    /** A registry of a fixed set of buffers, for tests and plain Java. */
    public static TidefallBuffers of(Buffer... buffers) {
        List<Buffer> fixed = List.of(buffers);
        return new TidefallBuffers(fixed::stream);
    }

    /**
     * The buffer named {@code name}.
     *
     * @throws IllegalArgumentException listing the known names when there is no such buffer
     */
    public Buffer get(String name) {
        Objects.requireNonNull(name, "name must not be null");
        Map<String, Buffer> byName = byName();
        Buffer buffer = byName.get(name);
        if (buffer == null) {
            throw new IllegalArgumentException("No Tidefall buffer named '" + name + "'; known buffers: "
                    + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())));
        }
        return buffer;
    }

    /** The buffer named {@code name}, or {@code null} when there is none. */
    public @Nullable Buffer find(String name) {
        Objects.requireNonNull(name, "name must not be null");
        return byName().get(name);
    }

    /**
     * The queue named {@code name}, typed as the caller needs it.
     *
     * @throws IllegalArgumentException when there is no such buffer, or it is not a queue
     */
    @SuppressWarnings("unchecked")
    public <T> TidefallQueue<T> queue(String name) {
        return (TidefallQueue<T>) typed(name, TidefallQueue.class);
    }

    /**
     * The hash map named {@code name}, typed as the caller needs it.
     *
     * @throws IllegalArgumentException when there is no such buffer, or it is not a hash map
     */
    @SuppressWarnings("unchecked")
    public <K, V> TidefallHashMap<K, V> hashMap(String name) {
        return (TidefallHashMap<K, V>) typed(name, TidefallHashMap.class);
    }

    /** Every buffer, in bean registration order. */
    public Collection<Buffer> all() {
        return Collections.unmodifiableCollection(new ArrayList<>(byName().values()));
    }

    /** The buffers' names, in bean registration order. */
    public Collection<String> names() {
        return Collections.unmodifiableCollection(new ArrayList<>(byName().keySet()));
    }

    /**
     * Flushes every buffer, one after the other, and says per buffer what reached its processor
     * during the flush, what went to its failure handler, and what is still pending (a processor
     * call stuck past its timeout, or a chunk waiting for its retry). When every result has nothing
     * pending, everything written before the call has been delivered or handed to the failure
     * handler. Made for tests: push, {@code flushAll()}, then assert on what the processor wrote.
     *
     * @return the result per buffer name, in bean registration order
     */
    public Map<String, FlushResult> flushAll() {
        Map<String, FlushResult> results = new LinkedHashMap<>();
        for (Buffer buffer : all()) {
            results.put(buffer.name(), buffer.flush());
        }
        return Collections.unmodifiableMap(results);
    }

    private Buffer typed(String name, Class<? extends Buffer> type) {
        Buffer buffer = get(name);
        if (!type.isInstance(buffer)) {
            throw new IllegalArgumentException("Tidefall buffer '" + name + "' is a " + buffer.getClass().getSimpleName()
                    + ", not a " + type.getSimpleName());
        }
        return buffer;
    }

    private Map<String, Buffer> byName() {
        Map<String, Buffer> byName = new LinkedHashMap<>();
        buffers.get().forEach(buffer -> {
            Buffer other = byName.putIfAbsent(buffer.name(), buffer);
            if (other != null && other != buffer) {
                throw new IllegalStateException("Two Tidefall buffers are named '" + buffer.name()
                        + "': give every buffer a name of its own");
            }
        });
        return byName;
    }

    @Override
    public String toString() {
        return "TidefallBuffers" + names();
    }
}

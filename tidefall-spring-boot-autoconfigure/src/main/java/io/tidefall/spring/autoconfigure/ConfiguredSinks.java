package io.tidefall.spring.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;

import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.sink.Sink;
import io.tidefall.spring.sink.SinkFactory;
import io.tidefall.spring.sink.SinkKind;
import io.tidefall.spring.sink.SinkProperties;
import io.tidefall.spring.sink.SinkTarget;

/**
 * Builds the sink a buffer configures under {@code sink}, with the {@link SinkFactory} bean of its
 * kind; refuses a sink whose library is absent (no factory of its kind), naming the dependency to add.
 */
final class ConfiguredSinks {

    private final ListableBeanFactory beanFactory;
    private final TidefallBuffers buffers;

    ConfiguredSinks(ListableBeanFactory beanFactory, TidefallBuffers buffers) {
        this.beanFactory = beanFactory;
        this.buffers = buffers;
    }

    /** The kind of {@code definition}'s sink, or {@code null} when it configures none. */
    static @Nullable SinkKind kind(BufferDefinition definition) {
        SinkProperties sink = definition.sink();
        if (sink == null || sink.kinds().isEmpty()) {
            return null;
        }
        List<SinkKind> kinds = sink.kinds();
        if (kinds.size() > 1) {
            String property = definition.property("sink");
            throw new TidefallConfigurationException(definition.name(),
                    "Buffer '" + definition.name() + "' configures " + kinds.size() + " sinks: "
                            + String.join(", ", kinds.stream().map(kind -> property + "." + kind.key()).toList()) + ".",
                    "Keep exactly one of them: a buffer writes to one sink.");
        }
        return kinds.get(0);
    }

    Sink create(BufferDefinition definition, SinkKind kind) {
        SinkFactory factory = this.beanFactory.getBeanProvider(SinkFactory.class).orderedStream()
                .filter(candidate -> candidate.kind() == kind).findFirst().orElse(null);
        String property = definition.property("sink." + kind.key());
        if (factory == null) {
            throw new TidefallConfigurationException(definition.name(),
                    "Buffer '" + definition.name() + "': " + property + " is set, but " + kind.library()
                            + " is not on the class path.",
                    "Add the dependency " + kind.dependency() + " to the application, or configure another sink or a processor.");
        }
        SinkProperties sink = definition.sink();
        if (sink == null) {
            throw new IllegalStateException("Buffer '" + definition.name() + "' has no sink");
        }
        return factory.create(new SinkTarget(this.buffers.get(definition.name()), definition.property("sink"), sink));
    }
}

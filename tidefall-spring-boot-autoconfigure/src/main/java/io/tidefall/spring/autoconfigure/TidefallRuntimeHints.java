package io.tidefall.spring.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

import io.tidefall.OverflowPolicy;
import io.tidefall.spring.BufferType;
import io.tidefall.spring.sink.SinkProperties;

/**
 * What the starter reads reflectively at run time, for an ahead-of-time compiled (native)
 * application. {@code @TidefallProcessor} methods are registered by their {@code @Reflective}
 * annotation, and the endpoint's operations by Actuator; this adds the rest:
 * <ul>
 * <li>{@link TidefallProperties} with its nested classes, which {@link TidefallBufferRegistrar}
 * binds itself, at run time, before the properties bean exists, and a buffer's
 * {@link SinkProperties};
 * <li>the enums those properties bind ({@link BufferType}, {@link OverflowPolicy}), whose
 * constants Spring Boot's enum conversion looks up.
 * </ul>
 * {@link TidefallConfigurationFailureAnalyzer} needs nothing here: Spring's AOT processing
 * registers every failure analyzer listed in {@code META-INF/spring.factories}.
 */
class TidefallRuntimeHints implements RuntimeHintsRegistrar {

    @Override
    public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
        BindableRuntimeHintsRegistrar.forTypes(TidefallProperties.class, SinkProperties.class).registerHints(hints, classLoader);
        for (Class<?> type : new Class<?>[] { BufferType.class, OverflowPolicy.class }) {
            hints.reflection().registerType(type, MemberCategory.INVOKE_PUBLIC_METHODS);
        }
    }
}

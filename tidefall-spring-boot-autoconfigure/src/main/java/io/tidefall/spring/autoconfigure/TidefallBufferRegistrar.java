package io.tidefall.spring.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.BeanRegistrar;
import org.springframework.beans.factory.BeanRegistry;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.Environment;

import io.tidefall.Buffer;

/**
 * Registers one bean per buffer under {@code tidefall.buffers}, named after the buffer. Each bean
 * is registered with its raw class ({@code TidefallQueue} or {@code TidefallHashMap}), so it can
 * be injected with any type arguments: {@code @Qualifier("events") TidefallQueue<PageView>}.
 *
 * <p>The options are resolved and validated here, while the bean definitions are registered, so a
 * bad value fails the startup before any bean is created. The beans themselves are built by
 * {@link TidefallBufferFactory}, which wires the scheduler, the executor and the processor.
 */
class TidefallBufferRegistrar implements BeanRegistrar {

    @Override
    public void register(BeanRegistry registry, Environment environment) {
        TidefallProperties properties;
        try {
            properties = Binder.get(environment)
                    .bind("tidefall", Bindable.of(TidefallProperties.class))
                    .orElseGet(TidefallProperties::new);
        } catch (BindException failure) {
            throw notABuffer(failure, environment);
        }
        List<BufferDefinition> definitions = BufferDefinition.resolveAll(properties, environment::getProperty);
        for (BufferDefinition definition : definitions) {
            register(registry, definition);
        }
    }

    /**
     * Boot reports a scalar where a buffer is expected ({@code tidefall.buffers.events: lots}, or
     * an empty YAML key, which puts a buffer's options straight under {@code tidefall.buffers}) as
     * "no converter found", without the value: say what it is and where it came from.
     */
    private static RuntimeException notABuffer(BindException failure, Environment environment) {
        if (failure.getProperty() != null || failure.getTarget().getType().resolve() != TidefallProperties.Buffer.class
                || failure.getName().getNumberOfElements() != 3) {
            return failure;
        }
        String property = failure.getName().toString();
        String buffer = failure.getName().getLastElement(ConfigurationPropertyName.Form.ORIGINAL);
        String value = environment.getProperty(property);
        return new TidefallConfigurationException(buffer,
                property + " is " + (value != null ? "'" + value + "'" : "a value") + ", but each entry under tidefall.buffers must be a buffer"
                        + " with its options beneath it, so this reads as a buffer named '" + buffer + "' written as a single value.",
                "Write each buffer as its name with its options indented beneath it, such as tidefall.buffers.events.type: queue."
                        + " A buffer name must not be empty: an empty YAML key puts that buffer's options straight under tidefall.buffers.");
    }

    @SuppressWarnings("unchecked")
    private static <B extends Buffer> void register(BeanRegistry registry, BufferDefinition definition) {
        Class<B> beanClass = (Class<B>) definition.type().beanClass();
        registry.registerBean(definition.name(), beanClass, spec -> spec
                .description("Tidefall " + definition.type().value() + " '" + definition.name() + "' from tidefall.buffers")
                .supplier(context -> (B) context.bean(TidefallBufferFactory.class).create(definition)));
    }
}

package io.tidefall.spring.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.BeanRegistrar;
import org.springframework.beans.factory.BeanRegistry;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
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
        TidefallProperties properties = Binder.get(environment)
                .bind("tidefall", Bindable.of(TidefallProperties.class))
                .orElseGet(TidefallProperties::new);
        List<BufferDefinition> definitions = BufferDefinition.resolveAll(properties, environment::getProperty);
        for (BufferDefinition definition : definitions) {
            register(registry, definition);
        }
    }

    @SuppressWarnings("unchecked")
    private static <B extends Buffer> void register(BeanRegistry registry, BufferDefinition definition) {
        Class<B> beanClass = (Class<B>) definition.type().beanClass();
        registry.registerBean(definition.name(), beanClass, spec -> spec
                .description("Tidefall " + definition.type().value() + " '" + definition.name() + "' from tidefall.buffers")
                .supplier(context -> (B) context.bean(TidefallBufferFactory.class).create(definition)));
    }
}

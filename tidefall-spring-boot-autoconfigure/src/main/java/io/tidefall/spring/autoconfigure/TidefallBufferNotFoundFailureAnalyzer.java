package io.tidefall.spring.autoconfigure;

import java.lang.annotation.Annotation;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.InjectionPoint;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.UnsatisfiedDependencyException;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.analyzer.AbstractInjectionFailureAnalyzer;
import org.springframework.core.Ordered;

import io.tidefall.Buffer;
import io.tidefall.spring.BufferType;
import io.tidefall.spring.NameSuggestions;

/**
 * Reports an injection point that asks for a buffer no bean provides, such as
 * {@code @Qualifier("evnets") TidefallQueue<PageView>}, with the buffers that exist, their types,
 * and the closest name. Spring Boot's own analysis says "Consider defining a bean of type
 * TidefallQueue", which is no help when the buffer is configured and the name is misspelt, or the
 * buffer is a hash-map. Ahead of Spring Boot's analyzers, which would also claim the failure.
 */
class TidefallBufferNotFoundFailureAnalyzer extends AbstractInjectionFailureAnalyzer<NoSuchBeanDefinitionException>
        implements Ordered {

    private final ListableBeanFactory beanFactory;

    TidefallBufferNotFoundFailureAnalyzer(BeanFactory beanFactory) {
        this.beanFactory = (ListableBeanFactory) beanFactory;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    protected @Nullable FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause,
            @Nullable String description) {
        Class<?> wanted = cause.getBeanType();
        if (wanted == null || !Buffer.class.isAssignableFrom(wanted)) {
            return null;
        }
        Map<String, @Nullable BufferType> buffers = buffers();
        String requested = qualifier(rootFailure);
        String what = (description != null ? description : "An injection point") + " required "
                + (requested != null ? "the buffer '" + requested + "'" : "a buffer") + " as a " + wanted.getSimpleName()
                + ", but " + (requested != null ? "there is no buffer of that name and type." : "there is no buffer of that type.");
        String known = buffers.isEmpty() ? "There are no buffers: none is configured under tidefall.buffers."
                : "The buffers are: " + buffers.entrySet().stream().map(buffer -> buffer.getKey() + " (" + name(buffer.getValue()) + ")")
                        .collect(Collectors.joining(", ")) + ".";
        return new FailureAnalysis(what + "\n\n" + known, action(requested, wanted, buffers), cause);
    }

    private static String action(@Nullable String requested, Class<?> wanted, Map<String, @Nullable BufferType> buffers) {
        String type = name(typeOf(wanted));
        BufferType existing = requested != null ? buffers.get(requested) : null;
        if (existing != null) {
            return "Buffer '" + requested + "' is a " + existing.value() + ": inject it as a "
                    + existing.beanClass().getSimpleName() + ", or set tidefall.buffers." + requested + ".type to " + type + ".";
        }
        String closest = requested != null ? NameSuggestions.closest(requested, buffers.keySet()) : null;
        String configure = "configure it under tidefall.buffers." + (requested != null ? requested : "<name>")
                + (type.equals("queue") ? "" : " with type " + type) + ".";
        if (closest != null) {
            return "Did you mean '" + closest + "'? Use @Qualifier(\"" + closest + "\"), or " + configure;
        }
        return requested != null ? "Name one of the buffers in @Qualifier, or " + configure
                : "Name the buffer with @Qualifier, or " + configure;
    }

    /** The buffer beans with their types, by name in order; {@code null} for a kind of buffer the starter does not configure. */
    private Map<String, @Nullable BufferType> buffers() {
        Map<String, @Nullable BufferType> buffers = new TreeMap<>();
        for (String name : this.beanFactory.getBeanNamesForType(Buffer.class, true, false)) {
            Class<?> type = this.beanFactory.getType(name, false);
            buffers.put(name, type != null ? typeOf(type) : null);
        }
        return buffers;
    }

    private static @Nullable BufferType typeOf(Class<?> type) {
        for (BufferType buffer : BufferType.values()) {
            if (buffer.beanClass().isAssignableFrom(type)) {
                return buffer;
            }
        }
        return null;
    }

    private static String name(@Nullable BufferType type) {
        return type != null ? type.value() : "buffer";
    }

    /** The name in the injection point's {@code @Qualifier}, or {@code null} when it has none. */
    private static @Nullable String qualifier(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnsatisfiedDependencyException unsatisfied && unsatisfied.getInjectionPoint() != null) {
                InjectionPoint point = unsatisfied.getInjectionPoint();
                for (Annotation annotation : point.getAnnotations()) {
                    if (annotation instanceof Qualifier qualifier && !qualifier.value().isEmpty()) {
                        return qualifier.value();
                    }
                }
                return null;
            }
        }
        return null;
    }
}

package io.tidefall.spring.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

import org.springframework.aop.framework.autoproxy.AutoProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;

import io.tidefall.BatchProcessor;
import io.tidefall.spring.BufferType;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.TidefallProcessor;
import io.tidefall.spring.sink.Sink;
import io.tidefall.spring.sink.SinkKind;

/**
 * Finds the processor of every configured buffer (a bean named by {@code processor}, a
 * {@code @TidefallProcessor} method, or the sink configured under {@code sink}, which
 * {@link ConfiguredSinks} builds), checks that there is exactly one and that it has the right
 * shape, and binds it to the buffer; fails the startup otherwise.
 *
 * <p>Runs once every singleton exists (as {@code @EventListener} methods are found), so processor
 * beans may inject the buffers they process. {@link TidefallLifecycle} calls {@link #bindAll()}
 * again before starting the buffers, which covers lazily initialized contexts.
 */
class ProcessorBinder implements SmartInitializingSingleton {

    private final ConfigurableListableBeanFactory beanFactory;
    private final List<BufferDefinition> definitions;
    private final TidefallBufferFactory factory;
    private final TidefallBuffers buffers;
    private final ConfiguredSinks sinks;
    private boolean bound;

    ProcessorBinder(ConfigurableListableBeanFactory beanFactory, List<BufferDefinition> definitions,
            TidefallBufferFactory factory, TidefallBuffers buffers) {
        this.beanFactory = beanFactory;
        this.definitions = definitions;
        this.factory = factory;
        this.buffers = buffers;
        this.sinks = new ConfiguredSinks(beanFactory, buffers);
    }

    @Override
    public void afterSingletonsInstantiated() {
        bindAll();
    }

    synchronized void bindAll() {
        if (this.bound) {
            return;
        }
        Map<String, List<AnnotatedMethod>> methods = findAnnotatedMethods(this.beanFactory);
        Map<String, BufferDefinition> configured = new LinkedHashMap<>();
        this.definitions.forEach(definition -> configured.put(definition.name(), definition));
        for (String buffer : methods.keySet()) {
            if (!configured.containsKey(buffer)) {
                throw unknownBuffer(buffer, methods.get(buffer).get(0), configured.keySet());
            }
        }
        for (BufferDefinition definition : this.definitions) {
            bind(definition, methods.getOrDefault(definition.name(), List.of()));
        }
        this.bound = true;
    }

    private void bind(BufferDefinition definition, List<AnnotatedMethod> methods) {
        String name = definition.name();
        String property = definition.property("processor");
        List<String> found = new ArrayList<>();
        SinkKind sink = ConfiguredSinks.kind(definition);
        if (definition.processor() != null) {
            found.add("the bean '" + definition.processor() + "' named by " + property);
        }
        methods.forEach(method -> found.add("@TidefallProcessor method " + method.describe()));
        if (sink != null) {
            found.add("the " + sink.key() + " sink configured under " + definition.property("sink." + sink.key()));
        }
        if (found.isEmpty()) {
            throw new TidefallConfigurationException(name,
                    "Buffer '" + name + "' has no processor: " + property
                            + " is not set, no sink is configured under " + definition.property("sink")
                            + " and no bean method is annotated @TidefallProcessor(\"" + name + "\").",
                    "Set " + property + " to the name of a BatchProcessor bean, or configure a sink (" + definition.property("sink.jdbc.sql")
                            + ", for one), or annotate one bean method taking a List with @TidefallProcessor(\"" + name + "\").");
        }
        if (found.size() > 1) {
            throw new TidefallConfigurationException(name,
                    "Buffer '" + name + "' has " + found.size() + " processors: " + String.join("; ", found) + ".",
                    "Keep exactly one: remove " + property + ", " + definition.property("sink")
                            + " or the extra @TidefallProcessor(\"" + name + "\") annotations.");
        }
        DeferredProcessor slot = this.factory.processor(name);
        if (sink != null) {
            Sink built = this.sinks.create(definition, sink);
            slot.bind(built, built.toString());
        } else if (definition.processor() != null) {
            slot.bind(processorBean(definition), "bean '" + definition.processor() + "'");
            this.beanFactory.registerDependentBean(definition.processor(), name);
        } else {
            AnnotatedMethod method = methods.get(0);
            checkShape(definition, method);
            Object bean = this.beanFactory.getBean(method.beanName);
            Method invocable;
            try {
                invocable = AopUtils.selectInvocableMethod(method.method, bean.getClass());
            } catch (IllegalStateException notOnProxy) {
                throw shape(definition, method, "cannot be called through the bean's proxy (" + notOnProxy.getMessage() + ")",
                        "Make the method public, or declare it on the interface the bean is proxied by.");
            }
            slot.bind(new MethodProcessor(bean, invocable, method.describe()), method.describe());
            this.beanFactory.registerDependentBean(method.beanName, name);
        }
    }

    @SuppressWarnings("unchecked")
    private BatchProcessor<Object> processorBean(BufferDefinition definition) {
        String name = definition.processor();
        String property = definition.property("processor");
        if (!this.beanFactory.containsBean(name)) {
            String[] known = this.beanFactory.getBeanNamesForType(BatchProcessor.class);
            throw new TidefallConfigurationException(definition.name(),
                    "Buffer '" + definition.name() + "': " + property + " is '" + name + "', but there is no bean of that name.",
                    "Set " + property + " to the name of a BatchProcessor bean"
                            + (known.length > 0 ? " (" + String.join(", ", known) + ")" : " (there is none yet: declare one)")
                            + ", or remove it and annotate a bean method with @TidefallProcessor(\"" + definition.name() + "\").");
        }
        if (!this.beanFactory.isTypeMatch(name, BatchProcessor.class)) {
            throw new TidefallConfigurationException(definition.name(),
                    "Buffer '" + definition.name() + "': " + property + " is '" + name + "', but that bean is a "
                            + typeName(name) + ", not a BatchProcessor.",
                    "Make '" + name + "' implement io.tidefall.BatchProcessor, or set " + property
                            + " to a bean that does, or annotate a method of '" + name + "' with @TidefallProcessor(\""
                            + definition.name() + "\") and remove " + property + ".");
        }
        BufferType type = definition.type();
        Class<?> element = ResolvableType.forClass(BatchProcessor.class, this.beanFactory.getType(name)).getGeneric(0).resolve();
        if (element != null && !type.accepts(element)) {
            throw new TidefallConfigurationException(definition.name(),
                    "Buffer '" + definition.name() + "' is a " + type.value() + ", but " + property + " '" + name
                            + "' is a BatchProcessor<" + element.getSimpleName() + ">.",
                    "A " + type.value() + " buffer hands its processor " + type.elementClassName() + " elements: make '" + name
                            + "' a BatchProcessor<" + type.elementName() + ">, or set type to queue.");
        }
        return this.beanFactory.getBean(name, BatchProcessor.class);
    }

    private String typeName(String beanName) {
        Class<?> type = this.beanFactory.getType(beanName);
        return type != null ? type.getName() : "bean of unknown type";
    }

    private void checkShape(BufferDefinition definition, AnnotatedMethod annotated) {
        Method method = annotated.method;
        Class<?> returned = method.getReturnType();
        if (method.getParameterCount() != 1 || !method.getParameterTypes()[0].isAssignableFrom(List.class)) {
            throw shape(definition, annotated, "must take exactly one parameter, a List of the buffer's elements",
                    "Declare it as void " + method.getName() + "(List<" + definition.type().elementName() + "> batch).");
        }
        if (returned != void.class && returned != Void.class && !CompletionStage.class.isAssignableFrom(returned)) {
            throw shape(definition, annotated, "returns " + returned.getSimpleName() + ", but must return void or a CompletionStage",
                    "Return void, or a CompletionStage (such as the CompletableFuture of an @Async method) that completes when the batch is stored.");
        }
        BufferType type = definition.type();
        Class<?> element = ResolvableType.forMethodParameter(method, 0).getGeneric(0).resolve();
        if (element != null && !type.accepts(element)) {
            throw shape(definition, annotated, "takes a List<" + element.getSimpleName()
                    + ">, but a " + type.value() + " buffer hands its processor " + type.elementClassName() + " elements",
                    "Declare the parameter as List<" + type.elementName() + ">, or set " + definition.property("type") + " to queue.");
        }
    }

    private static TidefallConfigurationException shape(BufferDefinition definition, AnnotatedMethod method, String problem,
            String action) {
        return new TidefallConfigurationException(definition.name(),
                "Buffer '" + definition.name() + "': @TidefallProcessor method " + method.describe() + " " + problem + ".", action);
    }

    private TidefallConfigurationException unknownBuffer(String buffer, AnnotatedMethod method, Set<String> configured) {
        Set<String> declared = new TreeSet<>(this.buffers.names());
        declared.removeAll(configured);
        if (declared.contains(buffer)) {
            return new TidefallConfigurationException(buffer,
                    "@TidefallProcessor(\"" + buffer + "\") on " + method.describe() + " names the buffer '" + buffer
                            + "', which the application declares as a @Bean with its own processor.",
                    "Give the processor to that buffer's builder, or remove the @Bean and configure the buffer under tidefall.buffers."
                            + buffer + ".");
        }
        return new TidefallConfigurationException(buffer,
                "@TidefallProcessor(\"" + buffer + "\") on " + method.describe()
                        + " names no buffer configured under tidefall.buffers (configured: "
                        + (configured.isEmpty() ? "none" : String.join(", ", configured)) + ").",
                "Configure it (tidefall.buffers." + buffer + ".type: queue), or correct the name in the annotation.");
    }

    /** The {@code @TidefallProcessor} methods of every bean, by the buffer they name; no bean is created. */
    static Map<String, List<AnnotatedMethod>> findAnnotatedMethods(ConfigurableListableBeanFactory beanFactory) {
        Map<String, List<AnnotatedMethod>> found = new LinkedHashMap<>();
        for (String beanName : beanFactory.getBeanNamesForType(Object.class)) {
            if (ScopedProxyUtils.isScopedTarget(beanName)) {
                continue;
            }
            Class<?> type;
            try {
                type = AutoProxyUtils.determineTargetClass(beanFactory, beanName);
            } catch (RuntimeException unresolvable) {
                continue; // as EventListenerMethodProcessor does: a type that cannot be resolved has no methods for us
            }
            if (type == null || !AnnotationUtils.isCandidateClass(type, TidefallProcessor.class)) {
                continue;
            }
            Map<Method, TidefallProcessor> annotated = MethodIntrospector.selectMethods(type,
                    (MethodIntrospector.MetadataLookup<TidefallProcessor>) method ->
                            AnnotatedElementUtils.findMergedAnnotation(method, TidefallProcessor.class));
            annotated.forEach((method, annotation) -> found.computeIfAbsent(annotation.value(), key -> new ArrayList<>())
                    .add(new AnnotatedMethod(beanName, method)));
        }
        found.values().forEach(list -> list.sort((a, b) -> a.describe().compareTo(b.describe())));
        return found;
    }

    static final class AnnotatedMethod {

        final String beanName;
        final Method method;

        AnnotatedMethod(String beanName, Method method) {
            this.beanName = beanName;
            this.method = method;
        }

        String describe() {
            String parameters = java.util.Arrays.stream(this.method.getParameterTypes())
                    .map(Class::getSimpleName).collect(Collectors.joining(", "));
            return this.method.getDeclaringClass().getSimpleName() + "." + this.method.getName() + "(" + parameters + ")"
                    + (Modifier.isStatic(this.method.getModifiers()) ? " (static)" : "") + " of bean '" + this.beanName + "'";
        }
    }
}

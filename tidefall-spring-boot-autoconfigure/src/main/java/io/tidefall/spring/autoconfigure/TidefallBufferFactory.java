package io.tidefall.spring.autoconfigure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.core.task.TaskExecutor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import io.tidefall.BatchFailureHandler;
import io.tidefall.Buffer;
import io.tidefall.BufferBuilder;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;

/**
 * Builds the configured buffers, on the application's scheduler and executor.
 *
 * <p>Scheduler: the bean named by {@code tidefall.scheduler}; else the application's only
 * {@code TaskScheduler}, or the one named {@code taskScheduler} (Boot's, with
 * {@code @EnableScheduling}); else one this factory builds with Boot's
 * {@code ThreadPoolTaskSchedulerBuilder} and owns. That one is deliberately not a bean: a
 * {@code TaskScheduler} bean is an {@code Executor} too, and would make {@code @Async} and Boot's
 * {@code applicationTaskExecutor} resolution ambiguous.
 *
 * <p>Executor: the bean named by {@code tidefall.executor}; else Boot's
 * {@code applicationTaskExecutor}; else the application's only {@code TaskExecutor} that is not
 * a scheduler, or the one named {@code taskExecutor} (the rules {@code @Async} follows); else
 * each buffer's own small pool.
 *
 * <p>Neither is needed for the final drain: {@code Buffer.close()} drains on threads of its own.
 */
class TidefallBufferFactory implements DisposableBean {

    private static final Log logger = LogFactory.getLog(TidefallBufferFactory.class);

    private final ListableBeanFactory beanFactory;
    private final TidefallProperties properties;
    private final ObjectProvider<ThreadPoolTaskSchedulerBuilder> schedulerBuilder;
    private final Map<String, DeferredProcessor> processors = new ConcurrentHashMap<>();
    private final List<Buffer> created = new ArrayList<>();

    private SpringTaskScheduler scheduler;
    private ThreadPoolTaskScheduler ownScheduler;
    private Executor executor;
    private boolean executorResolved;

    TidefallBufferFactory(ListableBeanFactory beanFactory, TidefallProperties properties,
            ObjectProvider<ThreadPoolTaskSchedulerBuilder> schedulerBuilder) {
        this.beanFactory = beanFactory;
        this.properties = properties;
        this.schedulerBuilder = schedulerBuilder;
    }

    /** Builds the buffer bean of {@code definition}; it is started later, by the lifecycle. */
    synchronized Buffer create(BufferDefinition definition) {
        DeferredProcessor processor = processor(definition.name());
        BufferBuilder<?, ?> builder = (definition.type() == BufferDefinition.Type.HASH_MAP)
                ? TidefallHashMap.builder(definition.name()) : TidefallQueue.builder(definition.name());
        builder.processor(processor).options(definition.options()).scheduler(scheduler());
        BatchFailureHandler<Object> failureHandler = failureHandler(definition);
        if (failureHandler != null) {
            builder.failureHandler(failureHandler);
        }
        if (definition.partitions() != null) {
            builder.partitions(definition.partitions());
        }
        Executor drains = executor();
        if (drains != null) {
            builder.executor(drains);
        }
        Buffer buffer = builder.build();
        this.created.add(buffer);
        return buffer;
    }

    /**
     * The bean named by {@code failure-handler}; else the dead-letter store, when there is one;
     * else {@code null} (the engine logs and counts lost elements).
     */
    @SuppressWarnings("unchecked")
    private BatchFailureHandler<Object> failureHandler(BufferDefinition definition) {
        String name = definition.failureHandler();
        if (name == null) {
            return this.beanFactory.containsBean(TidefallDeadLetterAutoConfiguration.STORE_BEAN)
                    ? this.beanFactory.getBean(TidefallDeadLetterAutoConfiguration.STORE_BEAN, BatchFailureHandler.class) : null;
        }
        if (!this.beanFactory.containsBean(name) || !this.beanFactory.isTypeMatch(name, BatchFailureHandler.class)) {
            String[] known = this.beanFactory.getBeanNamesForType(BatchFailureHandler.class);
            String property = definition.failureHandlerProperty();
            throw new TidefallConfigurationException(definition.name(),
                    "Buffer '" + definition.name() + "': " + property + " is '" + name + "', but there is no BatchFailureHandler bean of that name"
                            + (this.beanFactory.containsBean(name) ? " (a bean '" + name + "' exists, of another type)" : "") + ".",
                    "Set " + property + " to the name of a BatchFailureHandler bean"
                            + (known.length > 0 ? " (" + String.join(", ", known) + ")" : "")
                            + ", or remove it to have lost elements logged.");
        }
        return this.beanFactory.getBean(name, BatchFailureHandler.class);
    }

    /** The processor slot of a configured buffer, bound by {@link TidefallProcessors}. */
    DeferredProcessor processor(String buffer) {
        return this.processors.computeIfAbsent(buffer, DeferredProcessor::new);
    }

    synchronized SpringTaskScheduler scheduler() {
        if (this.scheduler == null) {
            this.scheduler = new SpringTaskScheduler(resolveScheduler());
        }
        return this.scheduler;
    }

    synchronized Executor executor() {
        if (!this.executorResolved) {
            this.executor = resolveExecutor();
            this.executorResolved = true;
        }
        return this.executor;
    }

    private TaskScheduler resolveScheduler() {
        String named = this.properties.getScheduler();
        if (named != null) {
            return named(named, TaskScheduler.class, "tidefall.scheduler",
                    "Remove it to use the application's TaskScheduler, or one Tidefall builds.");
        }
        String[] candidates = this.beanFactory.getBeanNamesForType(TaskScheduler.class);
        String chosen = candidates.length == 1 ? candidates[0]
                : Arrays.asList(candidates).contains("taskScheduler") ? "taskScheduler" : null;
        if (chosen != null) {
            return this.beanFactory.getBean(chosen, TaskScheduler.class);
        }
        ThreadPoolTaskScheduler own = this.schedulerBuilder.getIfAvailable(ThreadPoolTaskSchedulerBuilder::new)
                .threadNamePrefix("tidefall-scheduler-")
                .build();
        own.setRemoveOnCancelPolicy(true); // every drain arms a timeout that is usually cancelled
        own.setBeanName("tidefallTaskScheduler");
        own.initialize();
        this.ownScheduler = own;
        if (candidates.length > 1 && logger.isInfoEnabled()) {
            logger.info("Tidefall runs its timers on a scheduler of its own: the application has several TaskScheduler beans "
                    + Arrays.toString(candidates) + " and none named taskScheduler; set tidefall.scheduler to choose one");
        }
        return own;
    }

    private Executor resolveExecutor() {
        String named = this.properties.getExecutor();
        if (named != null) {
            return named(named, Executor.class, "tidefall.executor",
                    "Remove it to use the application's task executor.");
        }
        if (this.beanFactory.containsBean("applicationTaskExecutor")
                && this.beanFactory.isTypeMatch("applicationTaskExecutor", Executor.class)) {
            return this.beanFactory.getBean("applicationTaskExecutor", Executor.class);
        }
        List<String> candidates = Arrays.stream(this.beanFactory.getBeanNamesForType(TaskExecutor.class))
                .filter(name -> !this.beanFactory.isTypeMatch(name, TaskScheduler.class))
                .collect(Collectors.toList());
        String chosen = candidates.size() == 1 ? candidates.get(0)
                : candidates.contains("taskExecutor") ? "taskExecutor" : null;
        return chosen != null ? this.beanFactory.getBean(chosen, Executor.class) : null;
    }

    private <T> T named(String name, Class<T> type, String property, String removeAction) {
        if (!this.beanFactory.containsBean(name) || !this.beanFactory.isTypeMatch(name, type)) {
            String[] known = this.beanFactory.getBeanNamesForType(type);
            throw new TidefallConfigurationException(null,
                    property + " is '" + name + "', but there is no " + type.getSimpleName() + " bean of that name"
                            + (this.beanFactory.containsBean(name) ? " (a bean '" + name + "' exists, of another type)" : "") + ".",
                    "Set " + property + " to the name of a " + type.getSimpleName() + " bean"
                            + (known.length > 0 ? " (" + String.join(", ", known) + ")" : "") + ". " + removeAction);
        }
        return this.beanFactory.getBean(name, type);
    }

    /**
     * Closes the buffers this factory built (normally already closed by the lifecycle, then this
     * does nothing), then shuts down the scheduler it built, if any.
     */
    @Override
    public void destroy() {
        List<Buffer> buffers;
        synchronized (this) {
            buffers = new ArrayList<>(this.created);
        }
        buffers.forEach(Buffer::close);
        if (this.ownScheduler != null) {
            this.ownScheduler.destroy();
        }
    }
}

package io.tidefall.spring.autoconfigure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.task.SimpleAsyncTaskSchedulerBuilder;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.core.task.TaskExecutor;
import org.springframework.core.task.VirtualThreadTaskExecutor;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

import io.tidefall.BatchFailureHandler;
import io.tidefall.Buffer;
import io.tidefall.BufferBuilder;
import io.tidefall.RetryPolicy;
import io.tidefall.Scheduler;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.CommonsLoggingSystemLogger;
import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.deadletter.DeadLetterStore;
import io.tidefall.spring.sink.QueueRouting;
import io.tidefall.spring.sink.SinkProperties;

/**
 * Builds the configured buffers, on the application's scheduler and executor.
 *
 * <p>Scheduler: a bean of Tidefall's own {@code Scheduler} type, when the application has exactly
 * one (a test's manual scheduler); else the bean named by {@code tidefall.scheduler}; else the scheduler the application's
 * {@code SchedulingConfigurer} sets (as {@code @Scheduled} does); else the application's only
 * {@code TaskScheduler}, or the one named {@code taskScheduler} (Boot's, with
 * {@code @EnableScheduling}); else one this factory builds and owns: with Boot's
 * {@code SimpleAsyncTaskSchedulerBuilder} on virtual threads when
 * {@code spring.threads.virtual.enabled} is true on Java 21+, else with its
 * {@code ThreadPoolTaskSchedulerBuilder} on a daemon thread, so that a plain (non-web) application
 * still exits when its work is done. That one is deliberately not a bean: a {@code TaskScheduler}
 * bean is an {@code Executor} too, and would make {@code @Async} and Boot's
 * {@code applicationTaskExecutor} resolution ambiguous.
 *
 * <p>Executor: the bean named by {@code tidefall.executor}; else the executor the application's
 * only {@code AsyncConfigurer} returns (as {@code @Async} does); else Boot's
 * {@code applicationTaskExecutor} (virtual threads when Boot's virtual threads are on), except in a
 * plain (non-web) application on platform threads, where its idle threads, which are not daemons,
 * would hold the JVM up for a minute after the application's work is done; else the
 * application's only {@code TaskExecutor} that is not a scheduler, or the one named
 * {@code taskExecutor} (the rules {@code @Async} follows); else each buffer's own small pool.
 *
 * <p>Neither is needed for the final drain: {@code Buffer.close()} drains on threads of its own,
 * virtual ones when Boot's virtual threads are on.
 */
class TidefallBufferFactory implements DisposableBean {

    private static final Log logger = LogFactory.getLog(TidefallBufferFactory.class);

    private final ConfigurableListableBeanFactory beanFactory;
    private final TidefallProperties properties;
    private final BufferJournals journals;
    private final ObjectProvider<ThreadPoolTaskSchedulerBuilder> schedulerBuilder;
    private final ObjectProvider<SimpleAsyncTaskSchedulerBuilder> virtualSchedulerBuilder;
    private final boolean virtualThreads;
    private final boolean webApplication;
    private final Map<String, DeferredProcessor> processors = new ConcurrentHashMap<>();
    private final List<Buffer> created = new ArrayList<>();

    private @Nullable SpringTaskScheduler scheduler;
    /** Takes the timers the application's scheduler refuses during shutdown; {@code null} until then. */
    private @Nullable ScheduledThreadPoolExecutor fallback;

    /** Shuts down the scheduler this factory built, or {@code null} when it built none. */
    private @Nullable Runnable ownSchedulerShutdown;
    private @Nullable Executor executor;
    private boolean executorResolved;

    /**
     * @param virtualThreads whether Boot's virtual threads are on ({@code spring.threads.virtual.enabled}
     *     on Java 21+), so that a scheduler built here runs on them too
     * @param webApplication whether the application serves requests until it is stopped, rather
     *     than ending when its work is done
     */
    TidefallBufferFactory(ConfigurableListableBeanFactory beanFactory, TidefallProperties properties,
            ObjectProvider<ThreadPoolTaskSchedulerBuilder> schedulerBuilder,
            ObjectProvider<SimpleAsyncTaskSchedulerBuilder> virtualSchedulerBuilder, boolean virtualThreads,
            boolean webApplication) {
        this.beanFactory = beanFactory;
        this.properties = properties;
        this.journals = new BufferJournals(beanFactory, properties);
        this.schedulerBuilder = schedulerBuilder;
        this.virtualSchedulerBuilder = virtualSchedulerBuilder;
        this.virtualThreads = virtualThreads;
        this.webApplication = webApplication;
    }

    /** Builds the buffer bean of {@code definition}; it is started later, by the lifecycle. */
    synchronized Buffer create(BufferDefinition definition) {
        DeferredProcessor processor = processor(definition.name());
        BufferBuilder<?, ?> builder = definition.type().builder(definition.name());
        builder.processor(processor).options(definition.options()).scheduler(ticks())
                .loggers(CommonsLoggingSystemLogger::forName); // its lines at a SIGTERM's close reach the log too
        if (builder instanceof TidefallQueue.Builder<?> queue && definition.sink() != null) {
            routeBySink(queue, definition.sink(), definition.property("sink"));
        }
        BatchFailureHandler<Object> failureHandler = failureHandler(definition);
        if (failureHandler != null) {
            builder.failureHandler(failureHandler);
        }
        if (definition.partitions() != null) {
            builder.partitions(definition.partitions());
        }
        RetryPolicy retryPolicy = this.beanFactory.getBeanProvider(RetryPolicy.class).getIfUnique();
        builder.retryPolicy(processor.retryPolicy(retryPolicy != null ? retryPolicy : RetryPolicy.defaults()));
        Executor drains = executor();
        if (drains != null) {
            builder.executor(drains);
        }
        if (this.virtualThreads) { // the threads the engine starts itself: final drains, refused drains
            builder.threadFactory(new VirtualThreadTaskExecutor("tidefall-" + definition.name() + "-").getVirtualThreadFactory());
        }
        this.journals.configure(builder, definition);
        Buffer buffer = build(builder, definition);
        this.created.add(buffer);
        return buffer;
    }

    /**
     * Builds the buffer; a durable one replays here what a previous run journaled and did not
     * deliver, and fails when its journal cannot be opened, said with the property that chose it.
     */
    private Buffer build(BufferBuilder<?, ?> builder, BufferDefinition definition) {
        try {
            return builder.build();
        } catch (java.io.UncheckedIOException unusable) {
            if (!definition.durable()) {
                throw unusable;
            }
            throw this.journals.unusable(definition, unusable.getCause());
        }
    }

    /** Routes a queue by the element property its sink keys records with ({@link QueueRouting}), if any. */
    @SuppressWarnings("unchecked")
    private static void routeBySink(TidefallQueue.Builder<?> queue, SinkProperties sink, String property) {
        Function<Object, Object> partitionKey = QueueRouting.partitionKey(sink, property);
        if (partitionKey != null) {
            ((TidefallQueue.Builder<Object>) queue).partitionKey(partitionKey);
        }
    }

    /**
     * The bean named by {@code failure-handler}; else the dead-letter store, which exists unless
     * turned off or Jackson is missing; else {@code null} (the engine logs and counts lost
     * elements), said at startup with a warning, since elements are discarded then.
     */
    @SuppressWarnings("unchecked")
    private BatchFailureHandler<Object> failureHandler(BufferDefinition definition) {
        String name = definition.failureHandler();
        if (name == null) {
            if (this.beanFactory.containsBean(DeadLetterStore.BEAN_NAME)) {
                return this.beanFactory.getBean(DeadLetterStore.BEAN_NAME, BatchFailureHandler.class);
            }
            logger.warn("Buffer '" + definition.name() + "' has no failure handler: what it cannot deliver by its delivery"
                    + " timeout is logged, counted and discarded. "
                    + (this.properties.getDeadLetter().isEnabled()
                            ? "The dead-letter store needs Jackson (tools.jackson.core:jackson-databind) on the class path."
                            : "tidefall.dead-letter.enabled is false; remove it to keep such elements in the dead-letter store."));
            return null;
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

    /** The processor slot of a configured buffer, bound by {@link ProcessorBinder}. */
    DeferredProcessor processor(String buffer) {
        return this.processors.computeIfAbsent(buffer, DeferredProcessor::new);
    }

    /**
     * What runs the buffers' timers: the application's {@link Scheduler} bean when there is
     * exactly one (a test's manual scheduler), else {@link #scheduler()}.
     */
    synchronized Scheduler ticks() {
        Scheduler own = this.beanFactory.getBeanProvider(Scheduler.class).getIfUnique();
        return own != null ? own : scheduler();
    }

    synchronized SpringTaskScheduler scheduler() {
        if (this.scheduler == null) {
            this.scheduler = new SpringTaskScheduler(resolveScheduler(), this::fallbackScheduler);
        }
        return this.scheduler;
    }

    synchronized @Nullable Executor executor() {
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
        TaskScheduler configured = schedulingConfigurerScheduler();
        if (configured != null) {
            return configured;
        }
        String[] candidates = this.beanFactory.getBeanNamesForType(TaskScheduler.class);
        String chosen = candidates.length == 1 ? candidates[0]
                : Arrays.asList(candidates).contains("taskScheduler") ? "taskScheduler" : null;
        if (chosen != null) {
            return this.beanFactory.getBean(chosen, TaskScheduler.class);
        }
        TaskScheduler own = this.virtualThreads ? ownVirtualScheduler() : ownPlatformScheduler();
        if (candidates.length > 1 && logger.isInfoEnabled()) {
            logger.info("Tidefall runs its timers on a scheduler of its own: the application has several TaskScheduler beans "
                    + Arrays.toString(candidates) + " and none named taskScheduler; set tidefall.scheduler to choose one");
        }
        return own;
    }

    /**
     * One daemon timer thread for the ticks the application's scheduler refuses while the context
     * closes; created on first need, shut down in {@link #destroy()}.
     */
    private synchronized Scheduler fallbackScheduler() {
        if (this.fallback == null) {
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, "tidefall-shutdown-scheduler");
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
            this.fallback = timer;
        }
        return Scheduler.of(this.fallback);
    }

    /**
     * The scheduler the application's {@code SchedulingConfigurer} beans set on a registrar, or
     * {@code null}. They are asked on a registrar of this factory's that is never started, so the
     * tasks they add there do not run twice.
     */
    private @Nullable TaskScheduler schedulingConfigurerScheduler() {
        List<SchedulingConfigurer> configurers = this.beanFactory.getBeanProvider(SchedulingConfigurer.class).orderedStream().toList();
        if (configurers.isEmpty()) {
            return null;
        }
        ScheduledTaskRegistrar registrar = new ScheduledTaskRegistrar();
        configurers.forEach(configurer -> configurer.configureTasks(registrar));
        return registrar.getScheduler();
    }

    private TaskScheduler ownPlatformScheduler() {
        ThreadPoolTaskScheduler own = this.schedulerBuilder.getIfAvailable(ThreadPoolTaskSchedulerBuilder::new)
                .threadNamePrefix("tidefall-scheduler-")
                .build();
        own.setDaemon(true); // a plain application exits after its work; the lifecycle drains on close
        own.setRemoveOnCancelPolicy(true); // every drain arms a timeout that is usually cancelled
        own.setBeanName("tidefallTaskScheduler");
        own.initialize();
        this.ownSchedulerShutdown = own::destroy;
        return own;
    }

    private TaskScheduler ownVirtualScheduler() {
        SimpleAsyncTaskScheduler own = this.virtualSchedulerBuilder.getIfAvailable(SimpleAsyncTaskSchedulerBuilder::new)
                .virtualThreads(true)
                .threadNamePrefix("tidefall-scheduler-")
                .build();
        this.ownSchedulerShutdown = own::close;
        return own;
    }

    private @Nullable Executor resolveExecutor() {
        String named = this.properties.getExecutor();
        if (named != null) {
            return named(named, Executor.class, "tidefall.executor",
                    "Remove it to use the application's task executor.");
        }
        Executor boots = this.beanFactory.containsBean("applicationTaskExecutor")
                && this.beanFactory.isTypeMatch("applicationTaskExecutor", Executor.class)
                        ? this.beanFactory.getBean("applicationTaskExecutor", Executor.class) : null;
        List<AsyncConfigurer> configurers = this.beanFactory.getBeanProvider(AsyncConfigurer.class).orderedStream().toList();
        Executor configured = configurers.size() == 1 ? configurers.get(0).getAsyncExecutor() : null;
        if (configured != null && configured != boots) { // Boot's own AsyncConfigurer returns its executor
            return configured;
        }
        if (boots != null) {
            // Null: each buffer's own pool of daemon threads.
            return this.webApplication || this.virtualThreads ? boots : null;
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
        if (this.ownSchedulerShutdown != null) {
            this.ownSchedulerShutdown.run();
        }
        synchronized (this) {
            if (this.fallback != null) {
                this.fallback.shutdownNow();
            }
        }
    }
}

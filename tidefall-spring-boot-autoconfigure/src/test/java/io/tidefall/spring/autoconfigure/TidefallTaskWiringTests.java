package io.tidefall.spring.autoconfigure;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.assertj.ApplicationContextAssertProvider;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.AsyncConfigurer;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Buffers tick on the application's TaskScheduler and drain on its task executor, whatever the
 * application brings: its own {@code @EnableScheduling}, its own {@code @EnableAsync} executor, or
 * neither; and the application's own scheduling and async work keep working beside them.
 */
class TidefallTaskWiringTests {

    /** A web application: one that serves until it is stopped. */
    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class))
            .withUserConfiguration(ProcessorConfiguration.class)
            .withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.buffers.events.processing-interval=20ms");

    @Test
    void withNeitherShouldTickOnItsOwnSchedulerAndDrainOnBootsTaskExecutor() {
        this.runner.run(context -> {
            assertThat(context).hasBean("applicationTaskExecutor").doesNotHaveBean(TaskScheduler.class);
            TaskScheduler scheduler = context.getBean(TidefallBufferFactory.class).scheduler().taskScheduler();
            assertThat(scheduler).isInstanceOf(ThreadPoolTaskScheduler.class);
            assertThat(((ThreadPoolTaskScheduler) scheduler).getThreadNamePrefix()).isEqualTo("tidefall-scheduler-");
            assertDrainsOn(context, "task-");
        });
    }

    @Test
    void withOwnSchedulingShouldTickOnTheApplicationsSchedulerAndLeaveItsTasksRunning() {
        this.runner.withUserConfiguration(SchedulingConfiguration.class).run(context -> {
            assertThat(context).hasBean("applicationTaskExecutor").hasSingleBean(TaskScheduler.class);
            assertThat(context.getBean(TidefallBufferFactory.class).scheduler().taskScheduler())
                    .isSameAs(context.getBean("taskScheduler"));
            assertDrainsOn(context, "task-");
            SchedulingConfiguration.Ticker ticker = context.getBean(SchedulingConfiguration.Ticker.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> ticker.ticks.get() > 0);
        });
    }

    @Test
    void withOwnAsyncExecutorShouldDrainOnItAndLeaveAsyncMethodsOnIt() {
        this.runner.withUserConfiguration(AsyncConfiguration.class).run(context -> {
            assertThat(context).doesNotHaveBean("applicationTaskExecutor");
            assertDrainsOn(context, "my-async-");
            String asyncThread = context.getBean(AsyncConfiguration.Worker.class).threadName().get();
            assertThat(asyncThread).startsWith("my-async-");
        });
    }

    @Test
    void withSchedulingAndAsyncShouldUseBoth() {
        this.runner.withUserConfiguration(SchedulingConfiguration.class, AsyncConfiguration.class).run(context -> {
            assertThat(context.getBean(TidefallBufferFactory.class).scheduler().taskScheduler())
                    .isSameAs(context.getBean("taskScheduler"));
            assertDrainsOn(context, "my-async-");
        });
    }

    @Test
    void withNamedSchedulerAndExecutorShouldUseThem() {
        this.runner.withUserConfiguration(SchedulingConfiguration.class, NamedConfiguration.class)
                .withPropertyValues("tidefall.scheduler=tidefallTicks", "tidefall.executor=tidefallDrains")
                .run(context -> {
                    assertThat(context.getBean(TidefallBufferFactory.class).scheduler().taskScheduler())
                            .isSameAs(context.getBean("tidefallTicks"));
                    assertDrainsOn(context, "drains-");
                });
    }

    /**
     * Boot's executor threads are not daemons and idle for a minute before they end: in a plain
     * application, which ends when its work is done, drains run on the buffer's own daemon threads.
     */
    @Test
    void inAPlainApplicationShouldDrainOnTheBuffersOwnDaemonThreads() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
                        TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class))
                .withUserConfiguration(ProcessorConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.buffers.events.processing-interval=20ms")
                .run(context -> {
                    assertThat(context).hasBean("applicationTaskExecutor");
                    assertDrainsOn(context, "tidefall-events-drain-");
                });
    }

    @Test
    void ownSchedulerRunsOnDaemonThreadsSoPlainApplicationsExit() {
        this.runner.run(context -> {
            TaskScheduler scheduler = context.getBean(TidefallBufferFactory.class).scheduler().taskScheduler();
            assertThat(((ThreadPoolTaskScheduler) scheduler).isDaemon()).isTrue();
        });
    }

    @Test
    void withAsyncConfigurerShouldDrainOnItsExecutor() {
        this.runner.withUserConfiguration(AsyncConfigurerConfiguration.class).run(context -> {
            assertDrainsOn(context, "configured-async-");
        });
    }

    @Test
    void withSchedulingConfigurerShouldTickOnItsScheduler() {
        this.runner.withUserConfiguration(SchedulingConfigurerConfiguration.class).run(context -> {
            assertThat(context.getBean(TidefallBufferFactory.class).scheduler().taskScheduler())
                    .isSameAs(context.getBean(SchedulingConfigurerConfiguration.class).scheduler);
            assertDrainsOn(context, "task-");
        });
    }

    @Test
    @EnabledForJreRange(min = JRE.JAVA_21)
    void withVirtualThreadsShouldTickAndDrainOnVirtualThreads() {
        this.runner.withPropertyValues("spring.threads.virtual.enabled=true").run(context -> {
            assertThat(context).hasNotFailed();
            SpringTaskScheduler scheduler = context.getBean(TidefallBufferFactory.class).scheduler();
            assertThat(scheduler.taskScheduler()).isInstanceOf(SimpleAsyncTaskScheduler.class);
            CompletableFuture<Thread> tick = new CompletableFuture<>();
            scheduler.schedule(Duration.ZERO, () -> tick.complete(Thread.currentThread()));
            assertThat(isVirtual(tick.get(10, TimeUnit.SECONDS))).as("tick thread is virtual").isTrue();

            @SuppressWarnings("unchecked")
            TidefallQueue<String> events = context.getBean("events", TidefallQueue.class);
            CompletableFuture<Thread> drain = new CompletableFuture<>();
            context.getBean(ThreadCapture.class).next = drain;
            events.push("one");
            events.flush();
            assertThat(isVirtual(drain.get(10, TimeUnit.SECONDS))).as("drain thread is virtual").isTrue();

            CompletableFuture<Thread> finalDrain = new CompletableFuture<>();
            context.getBean(ThreadCapture.class).next = finalDrain;
            events.push("last");
            context.close();
            assertThat(isVirtual(finalDrain.get(10, TimeUnit.SECONDS))).as("final drain thread is virtual").isTrue();
        });
    }

    /** {@code Thread.isVirtual()} arrives in Java 21; the project compiles for 17. */
    private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
        return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    }

    private static void assertDrainsOn(ApplicationContextAssertProvider<?> context, String threadPrefix) {
        assertThat(context).hasNotFailed();
        @SuppressWarnings("unchecked")
        TidefallQueue<String> events = context.getBean("events", TidefallQueue.class);
        events.push("one");
        events.push("two");
        @SuppressWarnings("unchecked")
        Recorder<String> recorder = context.getBean("recorder", Recorder.class);
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(recorder.elements).containsExactlyInAnyOrder("one", "two"));
        assertThat(recorder.threads).isNotEmpty().allSatisfy(thread -> assertThat(thread).startsWith(threadPrefix));
    }

    @Configuration(proxyBeanMethods = false)
    static class ProcessorConfiguration {

        @Bean
        Recorder<String> recorder() {
            return new ThreadCapture();
        }
    }

    /** A recorder that also hands the thread of its next call to a test. */
    static class ThreadCapture extends Recorder<String> {

        volatile CompletableFuture<Thread> next = new CompletableFuture<>();

        @Override
        public void process(java.util.List<String> batch) {
            super.process(batch);
            this.next.complete(Thread.currentThread());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync
    static class AsyncConfigurerConfiguration implements AsyncConfigurer {

        /** Not a bean, so only the configurer leads to it; daemon threads, so nothing needs to shut it down. */
        private final ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();

        AsyncConfigurerConfiguration() {
            this.executor.setThreadNamePrefix("configured-async-");
            this.executor.setDaemon(true);
            this.executor.initialize();
        }

        @Override
        public Executor getAsyncExecutor() {
            return this.executor;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class SchedulingConfigurerConfiguration implements SchedulingConfigurer {

        final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

        SchedulingConfigurerConfiguration() {
            this.scheduler.setThreadNamePrefix("configured-ticks-");
            this.scheduler.initialize();
        }

        @Override
        public void configureTasks(ScheduledTaskRegistrar registrar) {
            registrar.setTaskScheduler(this.scheduler);
        }

        @Bean
        DisposableBean shutdownConfiguredScheduler() {
            return this.scheduler::shutdown;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class SchedulingConfiguration {

        @Bean
        Ticker ticker() {
            return new Ticker();
        }

        static class Ticker {

            final AtomicInteger ticks = new AtomicInteger();

            @Scheduled(fixedDelay = 10)
            void tick() {
                this.ticks.incrementAndGet();
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync
    static class AsyncConfiguration {

        @Bean
        ThreadPoolTaskExecutor myExecutor() {
            ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
            executor.setThreadNamePrefix("my-async-");
            executor.setCorePoolSize(2);
            return executor;
        }

        @Bean
        Worker worker() {
            return new Worker();
        }

        static class Worker {

            @Async
            public CompletableFuture<String> threadName() {
                return CompletableFuture.completedFuture(Thread.currentThread().getName());
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NamedConfiguration {

        @Bean(destroyMethod = "shutdown")
        ThreadPoolTaskScheduler tidefallTicks() {
            ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
            scheduler.setThreadNamePrefix("ticks-");
            return scheduler;
        }

        @Bean
        ThreadPoolTaskExecutor tidefallDrains() {
            ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
            executor.setThreadNamePrefix("drains-");
            return executor;
        }
    }
}

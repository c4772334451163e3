package io.tidefall.spring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Buffers start before the web server and close after it. Stand-ins take the phases of Spring
 * Boot's web server lifecycles: graceful shutdown at {@code DEFAULT_PHASE - 1024}, start/stop at
 * {@code DEFAULT_PHASE - 2048}; each writes to the buffer as the last requests would.
 */
class TidefallLifecycleTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class))
            .withUserConfiguration(WebServerStandIns.class)
            // A long interval: only the final drain can deliver what is written during shutdown.
            .withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.buffers.events.processing-interval=1h");

    @Test
    void buffersShouldRunBeforeTheWebServerStartsAndUntilItHasStopped() {
        this.runner.run(context -> {
            assertThat(context).hasNotFailed();
            WebServerStandIns.Log log = context.getBean(WebServerStandIns.Log.class);
            @SuppressWarnings("unchecked")
            Recorder<String> recorder = context.getBean("recorder", Recorder.class);
            assertThat(log.events).containsExactly("web-server started, buffer running");
            context.close();
            assertThat(log.events).containsExactly("web-server started, buffer running",
                    "graceful-shutdown stopping, buffer running", "web-server stopping, buffer running");
            assertThat(recorder.elements).containsExactlyInAnyOrder("request during graceful shutdown",
                    "request just before the server stopped");
        });
    }

    /**
     * The application's scheduler refuses new tasks once the context starts closing; the web
     * server's graceful shutdown still lets requests write, and their ticks must still come.
     */
    @Test
    void ticksGoOnDuringTheGracefulShutdownWindowOnTheApplicationsScheduler() {
        this.runner.withUserConfiguration(TickDuringGracefulShutdown.class)
                .withPropertyValues("tidefall.buffers.events.processing-interval=20ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context).hasBean("taskScheduler");
                    TickDuringGracefulShutdown.Waiter waiter = context.getBean(TickDuringGracefulShutdown.Waiter.class);
                    context.close();
                    assertThat(waiter.delivered)
                            .as("ticks delivered the writes made during graceful shutdown").isTrue();
                });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class TickDuringGracefulShutdown {

        @Bean
        Waiter waiter(@Qualifier("events") TidefallQueue<String> events, @Qualifier("recorder") Recorder<String> recorder) {
            return new Waiter(events, recorder);
        }

        /**
         * Writes during the graceful shutdown phase, twice, and waits each time for a tick to
         * deliver the write: a tick armed before the scheduler closed may still run once, the
         * second needs a tick armed after.
         */
        static class Waiter implements SmartLifecycle {

            private final TidefallQueue<String> events;
            private final Recorder<String> recorder;
            private volatile boolean running;
            volatile boolean delivered;

            Waiter(TidefallQueue<String> events, Recorder<String> recorder) {
                this.events = events;
                this.recorder = recorder;
            }

            @Override
            public void start() {
                this.running = true;
            }

            @Override
            public void stop() {
                try {
                    for (String write : List.of("late request 1", "late request 2")) {
                        this.events.push(write);
                        await().atMost(Duration.ofSeconds(10)).until(() -> this.recorder.elements.contains(write));
                    }
                    this.delivered = true;
                } catch (ConditionTimeoutException notDelivered) {
                    this.delivered = false;
                }
                this.running = false;
            }

            @Override
            public boolean isRunning() {
                return this.running;
            }

            @Override
            public int getPhase() {
                return SmartLifecycle.DEFAULT_PHASE - 1025; // just after the graceful-shutdown stand-in wrote
            }
        }
    }

    @Test
    void phaseShouldBeBelowTheWebServerLifecycles() {
        assertThat(TidefallLifecycle.PHASE).isLessThan(SmartLifecycle.DEFAULT_PHASE - 2048);
    }

    @Configuration(proxyBeanMethods = false)
    static class WebServerStandIns {

        @Bean
        Recorder<String> recorder() {
            return new Recorder<>();
        }

        @Bean
        Log log() {
            return new Log();
        }

        @Bean
        StandIn gracefulShutdown(@Qualifier("events") TidefallQueue<String> events, Log log) {
            return new StandIn("graceful-shutdown", SmartLifecycle.DEFAULT_PHASE - 1024, events, log,
                    "request during graceful shutdown");
        }

        @Bean
        StandIn webServer(@Qualifier("events") TidefallQueue<String> events, Log log) {
            return new StandIn("web-server", SmartLifecycle.DEFAULT_PHASE - 2048, events, log,
                    "request just before the server stopped");
        }

        static class Log {
            final List<String> events = new CopyOnWriteArrayList<>();
        }

        static class StandIn implements SmartLifecycle {

            private final String name;
            private final int phase;
            private final TidefallQueue<String> events;
            private final Log log;
            private final String lastWrite;
            private volatile boolean running;

            StandIn(String name, int phase, TidefallQueue<String> events, Log log, String lastWrite) {
                this.name = name;
                this.phase = phase;
                this.events = events;
                this.log = log;
                this.lastWrite = lastWrite;
            }

            @Override
            public void start() {
                if (this.name.equals("web-server")) {
                    this.log.events.add(this.name + " started, buffer " + (this.events.isRunning() ? "running" : "stopped"));
                }
                this.running = true;
            }

            @Override
            public void stop() {
                this.log.events.add(this.name + " stopping, buffer " + (this.events.isRunning() ? "running" : "stopped"));
                this.events.push(this.lastWrite);
                this.running = false;
            }

            @Override
            public boolean isRunning() {
                return this.running;
            }

            @Override
            public int getPhase() {
                return this.phase;
            }
        }
    }
}

package io.tidefall.spring.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;

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

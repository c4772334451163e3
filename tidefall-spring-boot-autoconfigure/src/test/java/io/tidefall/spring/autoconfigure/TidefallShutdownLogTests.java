package io.tidefall.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.LogManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tidefall.BatchProcessor;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.autoconfigure.TidefallDurabilityTests.PageView;
import io.tidefall.spring.deadletter.DeadLetterStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a buffer hands over at close is logged even when the JVM is exiting. A SIGTERM starts the
 * JVM's shutdown hooks together: Spring's, which closes the context and with it the buffers, and
 * {@code java.util.logging}'s, which resets every handler at once. This test plays the second
 * before the first ({@link LogManager#reset()}, as that hook does): the engine's lines must not go
 * through {@code java.util.logging}. Before the starter gave its buffers loggers of its own, the
 * close's "went to the failure handler" line was lost here, as it was after a real SIGTERM to the
 * sample app during an outage (7,693 page views dead-lettered, not one line about them).
 */
@ExtendWith(OutputCaptureExtension.class)
class TidefallShutdownLogTests {

    @TempDir
    Path deadLetters;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, TidefallAutoConfiguration.class,
                    TidefallDeadLetterAutoConfiguration.class))
            .withBean("refusing", Refusing.class, Refusing::new)
            .withPropertyValues("tidefall.buffers.events.processor=refusing", "tidefall.buffers.events.partitions=2",
                    "tidefall.buffers.events.processing-interval=1h", "tidefall.buffers.events.drain-threshold=off",
                    "spring.lifecycle.timeout-per-shutdown-phase=2s");

    /** A database that is down: every call fails, as during an outage. */
    static class Refusing implements BatchProcessor<PageView> {

        @Override
        public void process(List<PageView> batch) {
            throw new IllegalStateException("the database is down");
        }
    }

    @AfterEach
    void restoreJavaUtilLogging() throws IOException {
        LogManager.getLogManager().readConfiguration();
    }

    @Test
    void whatACloseHandsToTheDeadLetterStoreIsLoggedAfterJavaUtilLoggingWasReset(CapturedOutput output) {
        long[] stored = new long[1];
        this.runner.withPropertyValues("tidefall.dead-letter.directory=" + this.deadLetters).run(context -> {
            @SuppressWarnings("unchecked")
            TidefallQueue<PageView> events = context.getBean("events", TidefallQueue.class);
            for (int i = 0; i < 100; i++) {
                events.push(new PageView("p" + i, "/home"));
            }
            DeadLetterStore store = context.getBean(DeadLetterStore.class);
            LogManager.getLogManager().reset(); // what the JVM's shutdown hook does, beside Spring's
            context.close(); // the final drain fails; the close hands the 100 to the dead-letter store
            stored[0] = store.backlog("events").count();
        });
        assertThat(stored[0]).as("page views in the dead-letter store").isEqualTo(100);
        assertThat(output.getOut() + output.getErr()).as("the log of the close")
                .containsPattern("Buffer 'events': \\d+ element\\(s\\) went to the failure handler")
                .contains("100 since start");
    }
}

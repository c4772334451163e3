package io.tidefall.spring.autoconfigure;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** Drops are logged at most once per interval, and the lines add up to the exact total. */
@ExtendWith(OutputCaptureExtension.class)
class DropLogTests {

    private final AtomicLong now = new AtomicLong();

    private final DropLog log = new DropLog(this.now::get);

    @Test
    void theFirstDropIsLoggedAtOnceThenAtMostOncePerIntervalWithExactCounts(CapturedOutput output) {
        this.log.elementsDropped("events", 0, 1, "overflow");
        assertThat(lines(output)).isEqualTo(1);
        assertThat(output).contains("Tidefall buffer 'events' dropped 1 write (overflow) since its previous report, 1 in total");

        for (int i = 0; i < 1000; i++) {
            this.log.elementsDropped("events", i % 2, 1, "overflow");
        }
        assertThat(lines(output)).as("rate-limited").isEqualTo(1);

        this.now.addAndGet(DropLog.INTERVAL.toNanos());
        this.log.elementsDropped("events", 0, 1, "overflow");
        assertThat(lines(output)).isEqualTo(2);
        assertThat(output).contains("dropped 1001 writes (overflow) since its previous report, 1002 in total");

        this.log.elementsDropped("events", 0, 5, "overflow");
        this.log.partitionStopped("events", 0);
        assertThat(output).contains("dropped 5 writes (overflow) since its previous report, 1007 in total");
    }

    @Test
    void buffersAreLoggedSeparately(CapturedOutput output) {
        this.log.elementsDropped("events", 0, 2, "overflow");
        this.log.elementsDropped("audit", 0, 3, "overflow");
        assertThat(output).contains("'events' dropped 2 writes", "'audit' dropped 3 writes");
    }

    @Test
    void everyConfiguredBufferHasItsDropsLogged(CapturedOutput output) {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
                        TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class))
                .withBean("stuck", io.tidefall.BatchProcessor.class, () -> batch -> release.await())
                .withPropertyValues("tidefall.buffers.events.processor=stuck", "tidefall.buffers.events.partitions=1",
                        "tidefall.buffers.events.capacity=1", "tidefall.buffers.events.overflow=drop",
                        "tidefall.buffers.events.processing-interval=1h")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    @SuppressWarnings("unchecked")
                    TidefallQueue<String> events = context.getBean("events", TidefallQueue.class);
                    events.push("kept"); // fills the table, which drains at once into a processor that waits
                    org.awaitility.Awaitility.await().until(() -> events.stats(0).draining());
                    events.push("kept too"); // fills the second table; its drain waits for the first
                    events.push("dropped");
                    assertThat(output).contains("Tidefall buffer 'events' dropped 1 write (overflow)");
                    release.countDown();
                });
    }

    private static long lines(CapturedOutput output) {
        return output.getAll().lines().filter(line -> line.contains("Tidefall buffer 'events' dropped")).count();
    }
}

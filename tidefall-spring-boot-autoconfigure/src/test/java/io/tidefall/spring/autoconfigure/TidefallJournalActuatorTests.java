package io.tidefall.spring.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.tidefall.TidefallQueue;
import io.tidefall.spring.actuate.JournalDescriptor;
import io.tidefall.spring.actuate.TidefallEndpoint;
import io.tidefall.spring.actuate.TidefallEndpoint.BufferDescriptor;
import io.tidefall.spring.actuate.TidefallHealthIndicator;
import io.tidefall.spring.autoconfigure.TidefallDurabilityTests.PageView;
import io.tidefall.spring.autoconfigure.TidefallDurabilityTests.PageViews;
import io.tidefall.spring.autoconfigure.endpoint.TidefallEndpointAutoConfiguration;
import io.tidefall.spring.autoconfigure.health.TidefallHealthAutoConfiguration;
import io.tidefall.spring.autoconfigure.metrics.TidefallMetricsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A durable buffer's journal, told: its meters ({@code tidefall.journal.*}, for durable buffers
 * only), the health component DOWN while the journal cannot be written (a real ENOSPC, from
 * {@code /dev/full}), and the endpoint's {@code durability} and {@code journal} per buffer.
 */
class TidefallJournalActuatorTests {

    @TempDir
    Path journal;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, TidefallAutoConfiguration.class,
                    TidefallDeadLetterAutoConfiguration.class, TidefallMetricsAutoConfiguration.class,
                    TidefallHealthAutoConfiguration.class, TidefallEndpointAutoConfiguration.class))
            .withBean(SimpleMeterRegistry.class)
            .withBean("pageViews", PageViews.class, PageViews::new)
            .withPropertyValues("management.endpoints.web.exposure.include=tidefall",
                    "tidefall.defaults.partitions=1", "tidefall.defaults.processing-interval=1h",
                    "tidefall.defaults.drain-threshold=off",
                    "tidefall.buffers.events.processor=pageViews", "tidefall.buffers.events.durability=sync",
                    "tidefall.buffers.other.processor=pageViews");

    /** The runner on this test's journal directory, known only once the test runs. */
    private ApplicationContextRunner runner() {
        return this.runner.withPropertyValues("tidefall.journal.directory=" + this.journal);
    }

    @Test
    void durableBufferShouldHaveJournalMetersAndAMemoryBufferNone() {
        runner().run(context -> {
            assertThat(context).hasNotFailed();
            queue(context.getBean("events", TidefallQueue.class)).push(new PageView("p1", "/home"));
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("tidefall.journal.bytes").tag("buffer", "events").gauge().value()).isGreaterThan(0);
            assertThat(registry.get("tidefall.journal.segments").tag("buffer", "events").gauge().value()).isEqualTo(1);
            assertThat(registry.get("tidefall.journal.replayed").tag("buffer", "events").functionCounter().count()).isZero();
            assertThat(registry.get("tidefall.journal.damaged").tag("buffer", "events").functionCounter().count()).isZero();
            FunctionTimer sync = registry.get("tidefall.journal.sync").tag("buffer", "events").functionTimer();
            assertThat(sync.count()).as("durability sync: a force per group of writes").isGreaterThanOrEqualTo(1);
            assertThat(sync.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isGreaterThan(0);
            assertThat(registry.find("tidefall.journal.bytes").tag("buffer", "other").gauge()).isNull();
            assertThat(registry.find("tidefall.buffer.size").tag("buffer", "other").gauge()).isNotNull();
        });
    }

    @Test
    void endpointShouldShowEachBuffersDurabilityAndADurableOnesJournal() {
        runner().run(context -> {
            queue(context.getBean("events", TidefallQueue.class)).push(new PageView("p1", "/home"));
            TidefallEndpoint endpoint = context.getBean(TidefallEndpoint.class);
            Map<String, BufferDescriptor> buffers = endpoint.buffers().buffers();
            assertThat(buffers.get("other").durability()).isEqualTo("memory");
            assertThat(buffers.get("other").journal()).isNull();
            assertThat(buffers.get("events").durability()).isEqualTo("sync");
            JournalDescriptor events = buffers.get("events").journal();
            assertThat(events).isNotNull();
            assertThat(events.directory()).isEqualTo(this.journal.resolve("events").toString());
            assertThat(events.bytes()).isPositive();
            assertThat(events.segments()).isEqualTo(1);
            assertThat(events.replayed()).isZero();
            assertThat(events.damaged()).isZero();
            assertThat(events.writeFailure()).isNull();
            assertThat(endpoint.buffer("events").durability()).isEqualTo("sync");
            assertThat(endpoint.buffer("events").journal()).isEqualTo(events);
        });
    }

    /**
     * The next segment of the journal is a link to {@code /dev/full}: the swap that opens it meets a
     * real full disk (ENOSPC). The buffer is DOWN, naming the cause, until a fresh segment is made.
     */
    @Test
    void healthShouldBeDownWhileTheJournalCannotBeWrittenAndUpAgainOnceItCan() throws Exception {
        Path full = Path.of("/dev/full");
        assumeThat(Files.exists(full)).as("a device that answers every write with ENOSPC").isTrue();
        runner().run(context -> {
            TidefallQueue<PageView> events = queue(context.getBean("events", TidefallQueue.class));
            HealthIndicator health = (HealthIndicator) context.getBean(TidefallHealthIndicator.class).getContributor("events");
            events.push(new PageView("p1", "/home"));
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(journalDetail(health.health())).containsEntry("durability", "sync")
                    .containsEntry("directory", this.journal.resolve("events").toString()).containsEntry("segments", 1L);

            Files.createSymbolicLink(this.journal.resolve("events").resolve(String.format("%019d", 2) + ".segment"), full);
            events.flush(); // the swap cannot make the segment of the fresh table

            Health down = health.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) down.getDetails().get("problem")).contains("its journal cannot be written")
                    .contains("No space left on device").contains("refuses writes");
            assertThat(journalDetail(down)).containsEntry("writeFailures", 1L);
            assertThat((String) journalDetail(down).get("writeFailure")).contains("No space left on device");
            assertThat(context.getBean(TidefallEndpoint.class).buffer("events").journal().writeFailure())
                    .contains("No space left on device");

            events.flush(); // the link went with the failed attempt: this swap makes a fresh segment
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(context.getBean(PageViews.class).received).contains(new PageView("p1", "/home"));
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> journalDetail(Health health) {
        return (Map<String, Object>) health.getDetails().get("journal");
    }

    @SuppressWarnings("unchecked")
    private static TidefallQueue<PageView> queue(TidefallQueue<?> queue) {
        return (TidefallQueue<PageView>) queue;
    }
}

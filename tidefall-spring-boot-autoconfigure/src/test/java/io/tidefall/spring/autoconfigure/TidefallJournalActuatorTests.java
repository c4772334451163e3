package io.tidefall.spring.autoconfigure;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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
import static org.awaitility.Awaitility.await;

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
     * The live segment's file is replaced by a link to {@code /dev/full} while its first part is
     * mapped: the writer that needs the segment's next part meets a real full disk (ENOSPC) and its
     * write fails. The buffer is DOWN, naming the cause, until a swap gives the table a fresh
     * segment and the broken one settles; what was accepted before is delivered.
     */
    @Test
    void healthShouldBeDownWhileTheJournalCannotBeWrittenAndUpAgainOnceItCan() throws Exception {
        Path full = Path.of("/dev/full");
        assumeThat(Files.exists(full)).as("a device that answers every write with ENOSPC").isTrue();
        // 4 KB: parts of 1 KB, so that a few dozen page views fill the first one
        runner().withPropertyValues("tidefall.buffers.events.journal-limit=4KB").run(context -> {
            TidefallQueue<PageView> events = queue(context.getBean("events", TidefallQueue.class));
            HealthIndicator health = (HealthIndicator) context.getBean(TidefallHealthIndicator.class).getContributor("events");
            events.push(new PageView("p0", "/home"));
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(journalDetail(health.health())).containsEntry("durability", "sync")
                    .containsEntry("directory", this.journal.resolve("events").toString()).containsEntry("segments", 1L);

            List<Path> segments;
            try (Stream<Path> files = Files.list(this.journal.resolve("events"))) {
                segments = files.filter(file -> file.toString().endsWith(".segment")).toList();
            }
            assertThat(segments).as("the write table's segment, and no spare before the first swap").hasSize(1);
            Path segment = segments.get(0);
            Files.delete(segment); // its first part stays mapped; the next part is made through the path
            Files.createSymbolicLink(segment, full);
            List<PageView> accepted = new ArrayList<>(List.of(new PageView("p0", "/home")));
            UncheckedIOException refused = null;
            for (int i = 1; refused == null && i < 1_000; i++) {
                PageView pageView = new PageView("p" + i, "/home");
                try {
                    events.push(pageView);
                    accepted.add(pageView);
                } catch (UncheckedIOException e) {
                    refused = e;
                }
            }
            assertThat(refused).as("the write that needed the next part").isNotNull()
                    .hasMessageContaining("No space left on device").hasMessageContaining("not accepted");

            Health down = health.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) down.getDetails().get("problem")).contains("its journal cannot be written")
                    .contains("No space left on device").contains("refuses writes");
            assertThat(journalDetail(down)).containsEntry("writeFailures", 1L);
            assertThat((String) journalDetail(down).get("writeFailure")).contains("No space left on device");
            assertThat(context.getBean(TidefallEndpoint.class).buffer("events").journal().writeFailure())
                    .contains("No space left on device");

            events.flush(); // the swap gives the table a fresh segment; the broken one goes once its table settled
            await().atMost(Duration.ofSeconds(10)).until(() -> health.health().getStatus().equals(Status.UP));
            assertThat(context.getBean(PageViews.class).received).containsAll(accepted);
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

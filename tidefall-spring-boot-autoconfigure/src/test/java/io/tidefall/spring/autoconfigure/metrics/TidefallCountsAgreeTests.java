package io.tidefall.spring.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;

import io.tidefall.BatchFailureHandler;
import io.tidefall.BatchProcessor;
import io.tidefall.FailedBatch;
import io.tidefall.PartitionStats;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.actuate.TidefallEndpoint;
import io.tidefall.spring.actuate.TidefallEndpoint.BufferDetailsDescriptor;
import io.tidefall.spring.actuate.TidefallEndpoint.PartitionDescriptor;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meters, the endpoint and the partitions' own counters tell the same story of retries and
 * failures, element for element: a processor that times out three times before it delivers, and
 * a chunk with one element the database refuses for good.
 */
class TidefallCountsAgreeTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TidefallAutoConfiguration.class, TidefallMetricsAutoConfiguration.class))
            .withBean(SimpleMeterRegistry.class)
            .withBean("handled", Handled.class, Handled::new)
            .withPropertyValues("tidefall.buffers.events.processor=flaky", "tidefall.buffers.events.partitions=1",
                    "tidefall.buffers.events.processing-interval=1h", "tidefall.buffers.events.processing-batch-size=table",
                    "tidefall.defaults.retry-backoff=10ms", "tidefall.defaults.retry-backoff-max=20ms",
                    "tidefall.defaults.failure-handler=handled");

    @Test
    void retriedAndFailedCountsAgreeAcrossMetersEndpointAndStats() {
        AtomicInteger timeouts = new AtomicInteger(3);
        List<Object> delivered = new CopyOnWriteArrayList<>();
        this.runner.withBean("flaky", BatchProcessor.class, () -> batch -> {
                    if (timeouts.getAndDecrement() > 0) {
                        throw new QueryTimeoutException("slow");
                    }
                    if (batch.contains("poison")) {
                        throw new DataIntegrityViolationException("value too long");
                    }
                    delivered.addAll(batch);
                })
                .run(context -> {
                    @SuppressWarnings("unchecked")
                    TidefallQueue<String> events = context.getBean("events", TidefallQueue.class);
                    events.pushAll(List.of("a", "b", "c", "poison", "d"));
                    events.flush();
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                        assertThat(delivered).containsExactlyInAnyOrder("a", "b", "c", "d");
                        assertThat(context.getBean(Handled.class).elements).containsExactly("poison");
                    });

                    PartitionStats stats = events.stats(0);
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    BufferDetailsDescriptor endpoint = new TidefallEndpoint(context.getBean(TidefallBuffers.class)).buffer("events");
                    PartitionDescriptor partition = endpoint.partitionDetails().get(0);

                    assertThat(stats.retried()).as("three timeouts of the whole table of 5, then the narrowing").isGreaterThanOrEqualTo(15);
                    assertThat(counted(meters, "retried")).isEqualTo(stats.retried());
                    assertThat(partition.retried()).isEqualTo(stats.retried());

                    assertThat(stats.failed()).isEqualTo(1);
                    assertThat(counted(meters, "failure") + counted(meters, "timeout")).isEqualTo(stats.failed());
                    assertThat(partition.failed()).isEqualTo(1);

                    assertThat(stats.drained()).isEqualTo(4);
                    assertThat(counted(meters, "success")).isEqualTo(stats.drained());
                    assertThat(partition.drained()).isEqualTo(4);
                    assertThat(partition.retryingSince()).isNull();
                });
    }

    private static long counted(MeterRegistry meters, String outcome) {
        return (long) meters.get("tidefall.processing.elements").tag("buffer", "events").tag("outcome", outcome).counter().count();
    }

    static class Handled implements BatchFailureHandler<Object> {

        final List<Object> elements = new CopyOnWriteArrayList<>();

        @Override
        public void handle(FailedBatch<Object> failed) {
            this.elements.addAll(failed.elements());
        }
    }
}

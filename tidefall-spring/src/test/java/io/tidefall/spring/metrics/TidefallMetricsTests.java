package io.tidefall.spring.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.tidefall.BatchProcessor;
import io.tidefall.BufferOptions;
import io.tidefall.OverflowPolicy;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;

import static org.assertj.core.api.Assertions.assertThat;

class TidefallMetricsTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private final CountDownLatch never = new CountDownLatch(1);

    private TidefallQueue<Integer> buffer;

    private TidefallMetrics metrics;

    @AfterEach
    void close() {
        this.never.countDown();
        if (this.buffer != null) {
            this.buffer.close();
        }
    }

    @Test
    void successfulDrainsCountElementsAndTimeTheDrain() {
        start(BufferOptions.defaults(), batch -> { });
        this.buffer.pushAll(List.of(1, 2, 3, 4, 5));
        assertThat(this.registry.get("tidefall.buffer.size").tag("buffer", "events").gauge().value()).isEqualTo(5);
        this.buffer.flush();
        assertThat(this.registry.get("tidefall.buffer.size").tag("buffer", "events").gauge().value()).isZero();
        assertThat(elements("success")).isEqualTo(5);
        assertThat(elements("failure")).isZero();
        assertThat(elements("timeout")).isZero();
        Timer timer = this.registry.get("tidefall.processing").tag("buffer", "events").tag("outcome", "success").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.getId().getTag("error")).isEqualTo("none");
    }

    @Test
    void failedChunksAreCountedAsFailures() {
        start(BufferOptions.defaults().withProcessingBatchSize(2).withProcessingRetries(0), batch -> {
            if (batch.contains(3)) {
                throw new IllegalStateException("boom");
            }
        });
        this.buffer.pushAll(List.of(1, 2, 3, 4, 5));
        this.buffer.flush();
        assertThat(elements("success")).isEqualTo(3);
        assertThat(elements("failure")).isEqualTo(2);
        Timer timer = this.registry.get("tidefall.processing").tag("buffer", "events").tag("outcome", "failure").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.getId().getTag("error")).isEqualTo("IllegalStateException");
    }

    @Test
    void timedOutDrainsCountWhatWasNotProcessed() {
        start(BufferOptions.defaults().withProcessingBatchSize(2).withProcessingTimeout(Duration.ofMillis(200))
                .withProcessingRetries(0), batch -> {
                    if (batch.contains(3)) {
                        this.never.await(); // interrupted at the timeout: the call fails, and is not retried
                    }
                });
        this.buffer.pushAll(List.of(1, 2, 3, 4, 5));
        this.buffer.flush();
        assertThat(elements("success")).isEqualTo(3);
        assertThat(elements("timeout")).isEqualTo(2);
        assertThat(this.registry.get("tidefall.processing").tag("outcome", "timeout").timer().count()).isEqualTo(1);
        // The observation starts once the table is read, a moment after the timeout's clock: no bound on its length.
        assertThat(this.registry.get("tidefall.processing").tag("outcome", "timeout").timer()
                .totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
    }

    @Test
    void droppedElementsAreCountedByReason() {
        start(BufferOptions.defaults().withCapacity(2).withOverflow(OverflowPolicy.DROP)
                .withProcessingInterval(Duration.ofHours(1)), batch -> this.never.await());
        this.buffer.pushAll(List.of(1, 2));
        // The first full write asks for a drain, which empties the table into a processor that never returns;
        // the table fills again and the writes after that are dropped.
        for (int i = 3; i <= 20; i++) {
            this.buffer.push(i);
        }
        assertThat(this.registry.get("tidefall.elements.dropped").tag("buffer", "events").tag("reason", "overflow")
                .counter().count()).isEqualTo(this.buffer.stats(0).dropped()).isPositive();
    }

    @Test
    void failureHandlerErrorsAreCounted() {
        this.buffer = TidefallQueue.<Integer>builder("events")
                .processor(batch -> {
                    throw new IllegalStateException("processor down");
                })
                .failureHandler(failed -> {
                    throw new IllegalStateException("dead-letter store down too");
                })
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingBatchSize(1).withProcessingRetries(0))
                .build();
        if (this.metrics == null) { // one per registry, as in an application context
            this.metrics = new TidefallMetrics(this.registry, new TidefallBuffers(() -> Stream.of(this.buffer)));
        }
        this.buffer.addListener(this.metrics);
        this.buffer.start();
        assertThat(this.registry.get("tidefall.failure.handler.errors").tag("buffer", "events").counter().count()).isZero();
        this.buffer.pushAll(List.of(1, 2, 3));
        this.buffer.flush();
        assertThat(this.registry.get("tidefall.failure.handler.errors").tag("buffer", "events").counter().count())
                .isEqualTo(3);
        assertThat(elements("failure")).isEqualTo(3);
    }

    @Test
    void deliveredCallsRecordTheirLatencyFromTheTablesOpening() {
        start(BufferOptions.defaults().withProcessingBatchSize(2).withProcessingRetries(0), batch -> {
            if (batch.contains(5)) {
                throw new IllegalStateException("refused");
            }
        });
        this.buffer.pushAll(List.of(1, 2, 3, 4, 5));
        this.buffer.flush();
        Timer latency = this.registry.get("tidefall.delivery.latency").tag("buffer", "events").timer();
        assertThat(latency.count()).as("the two calls that returned normally; the failed one is not a delivery")
                .isEqualTo(2);
        assertThat(latency.max(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
        assertThat(this.registry.get("tidefall.delivery.latency.percentile").tag("buffer", "events").gauges())
                .as("p50, p95, p99").hasSize(3);
    }

    @Test
    void everyMeterIsRegisteredAtZeroWhenTheBufferStarts() {
        start(BufferOptions.defaults(), batch -> { });
        assertThat(this.registry.get("tidefall.processing.elements").tag("buffer", "events").counters())
                .as("success, failure, timeout, retried").hasSize(4);
        assertThat(this.registry.get("tidefall.elements.dropped").tag("buffer", "events").tag("reason", "overflow")
                .counter().count()).isZero();
        assertThat(this.registry.get("tidefall.failure.handler.errors").tag("buffer", "events").counter().count()).isZero();
        assertThat(this.registry.get("tidefall.buffer.size").tag("buffer", "events").gauge().value()).isZero();
        assertThat(this.registry.get("tidefall.delivery.latency").tag("buffer", "events").timer().count()).isZero();
    }

    /** A push registry publishes its last step when it closes, after the buffers: the final drain must be in it. */
    @Test
    void metersOutliveTheBufferWithTheFinalDrainCounted() {
        start(BufferOptions.defaults().withProcessingInterval(Duration.ofHours(1)), batch -> { });
        this.buffer.pushAll(List.of(1, 2, 3));
        this.buffer.close(); // the final drain delivers the three
        assertThat(elements("success")).isEqualTo(3);
        assertThat(this.registry.find("tidefall.buffer.size").tag("buffer", "events").gauge()).isNotNull();
    }

    @Test
    void aBufferStartedAgainUnderTheSameNameGetsFreshMeters() {
        start(BufferOptions.defaults(), batch -> { });
        this.buffer.push(1);
        this.buffer.close();
        assertThat(elements("success")).isEqualTo(1);

        start(BufferOptions.defaults().withProcessingInterval(Duration.ofHours(1)), batch -> { });
        this.buffer.pushAll(List.of(1, 2));
        assertThat(elements("success")).isZero();
        assertThat(this.registry.get("tidefall.buffer.size").tag("buffer", "events").gauge().value()).isEqualTo(2);
    }

    private void start(BufferOptions options, BatchProcessor<Integer> processor) {
        this.buffer = TidefallQueue.<Integer>builder("events").processor(processor).partitions(1).options(options)
                .build();
        if (this.metrics == null) { // one per registry, as in an application context
            this.metrics = new TidefallMetrics(this.registry, new TidefallBuffers(() -> Stream.of(this.buffer)));
        }
        this.buffer.addListener(this.metrics);
        this.buffer.addListener(TidefallObservations.toMeters(this.registry));
        this.buffer.start();
    }

    private double elements(String outcome) {
        return this.registry.get("tidefall.processing.elements").tag("buffer", "events").tag("outcome", outcome)
                .counter().count();
    }
}

package io.tidefall.spring.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.tidefall.BatchProcessor;
import io.tidefall.BufferOptions;
import io.tidefall.TidefallQueue;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;

class TidefallObservationsTests {

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private final CountDownLatch never = new CountDownLatch(1);

    private TidefallQueue<Integer> buffer;

    @AfterEach
    void close() {
        this.never.countDown();
        if (this.buffer != null) {
            this.buffer.close();
        }
    }

    @Test
    void eachDrainIsAnObservation() {
        start(BufferOptions.defaults(), batch -> { }, null);
        this.buffer.pushAll(List.of(1, 2, 3));
        this.buffer.flush();
        this.buffer.push(4);
        this.buffer.flush();
        assertThat(this.registry).hasNumberOfObservationsWithNameEqualTo("tidefall.processing", 2)
                .hasHandledContextsThatSatisfy(contexts -> org.assertj.core.api.Assertions.assertThat(contexts)
                        .allSatisfy(context -> org.assertj.core.api.Assertions.assertThat(context)
                                .isInstanceOf(TidefallProcessingContext.class)));
        assertThat(this.registry).hasAnObservation(observation -> observation.hasNameEqualTo("tidefall.processing")
                .hasContextualNameEqualTo("tidefall drain events")
                .hasLowCardinalityKeyValue("buffer", "events")
                .hasLowCardinalityKeyValue("outcome", "success")
                .hasHighCardinalityKeyValue("elements", "3")
                .hasHighCardinalityKeyValue("elements.failed", "0")
                .hasHighCardinalityKeyValue("partition", "0")
                .doesNotHaveError());
    }

    @Test
    void aFailedDrainCarriesItsFirstError() {
        start(BufferOptions.defaults().withProcessingBatchSize(1).withProcessingRetries(0), batch -> {
            throw new IllegalStateException("boom " + batch);
        }, null);
        this.buffer.pushAll(List.of(1, 2));
        this.buffer.flush();
        assertThat(this.registry).hasSingleObservationThat()
                .hasLowCardinalityKeyValue("outcome", "failure")
                .hasHighCardinalityKeyValue("elements.failed", "2")
                .assertThatError().hasMessage("boom [1]");
    }

    @Test
    void aTimedOutDrainEndsWithOutcomeTimeout() {
        // The call is interrupted at its timeout, fails, and (no retries) goes to the failure handler.
        start(BufferOptions.defaults().withProcessingTimeout(Duration.ofMillis(100)).withProcessingRetries(0),
                batch -> this.never.await(), null);
        this.buffer.push(1);
        this.buffer.flush(); // may return while the interrupted call is still on its way out
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(this.registry).hasSingleObservationThat()
                .hasBeenStopped());
        assertThat(this.registry).hasSingleObservationThat()
                .hasLowCardinalityKeyValue("outcome", "timeout")
                .hasBeenStopped()
                .assertThatError().isInstanceOf(java.util.concurrent.TimeoutException.class);
    }

    @Test
    void aCustomConventionReplacesTheDefaultOne() {
        start(BufferOptions.defaults(), batch -> { }, new DefaultTidefallProcessingObservationConvention() {
            @Override
            public KeyValues getLowCardinalityKeyValues(TidefallProcessingContext context) {
                return super.getLowCardinalityKeyValues(context).and("team", "ingest");
            }
        });
        this.buffer.push(1);
        this.buffer.flush();
        assertThat(this.registry).hasSingleObservationThat().hasLowCardinalityKeyValue("team", "ingest");
    }

    private void start(BufferOptions options, BatchProcessor<Integer> processor,
            TidefallProcessingObservationConvention convention) {
        this.buffer = TidefallQueue.<Integer>builder("events").processor(processor).partitions(1).options(options)
                .build();
        this.buffer.addListener(new TidefallObservations(this.registry, convention));
        this.buffer.start();
    }
}

package io.tidefall.spring.autoconfigure.metrics;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tidefall.BatchProcessor;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;
import io.tidefall.spring.metrics.TidefallMetrics;
import io.tidefall.spring.metrics.TidefallObservations;

import static org.assertj.core.api.Assertions.assertThat;

class TidefallMetricsAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TidefallAutoConfiguration.class,
                    TidefallMetricsAutoConfiguration.class))
            .withUserConfiguration(SinkConfiguration.class)
            .withPropertyValues("tidefall.buffers.events.processor=sink", "tidefall.buffers.events.partitions=1");

    @Test
    void runWithoutMeterOrObservationRegistryShouldHaveNeither() {
        this.runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TidefallMetrics.class)
                .doesNotHaveBean(TidefallObservations.class));
    }

    @Test
    void runWithMeterRegistryOnlyShouldRecordEveryMeterIncludingTheTimer() {
        this.runner.withBean(SimpleMeterRegistry.class).run(context -> {
            assertThat(context).hasSingleBean(TidefallMetrics.class).hasSingleBean(TidefallObservations.class);
            drainOne(context.getBean(TidefallBuffers.class));
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            assertThat(registry.get("tidefall.processing").tag("buffer", "events").tag("outcome", "success").timer()
                    .count()).isEqualTo(1);
            assertThat(registry.get("tidefall.processing.elements").tag("outcome", "success").counter().count())
                    .isEqualTo(3);
            assertThat(registry.get("tidefall.buffer.size").tag("buffer", "events").gauge().value()).isZero();
        });
    }

    @Test
    void runWithObservationRegistryOnlyShouldObserveDrains() {
        this.runner.withBean(TestObservationRegistry.class, TestObservationRegistry::create).run(context -> {
            assertThat(context).doesNotHaveBean(TidefallMetrics.class).hasSingleBean(TidefallObservations.class);
            drainOne(context.getBean(TidefallBuffers.class));
            TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
                    .hasSingleObservationThat().hasNameEqualTo("tidefall.processing");
        });
    }

    @Test
    void runWithSpringBootMetricsAndObservationsShouldRecordTheTimerOnceThroughTheObservation() {
        this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class)).run(context -> {
                    assertThat(context).hasSingleBean(TidefallMetrics.class).hasSingleBean(TidefallObservations.class)
                            .hasBean("tidefallObservations").hasSingleBean(ObservationRegistry.class);
                    drainOne(context.getBean(TidefallBuffers.class));
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    assertThat(registry.get("tidefall.processing").timers()).hasSize(1)
                            .allSatisfy(timer -> assertThat(timer.count()).isEqualTo(1));
                    assertThat(registry.get("tidefall.processing").timer().getId().getTag("outcome"))
                            .isEqualTo("success");
                });
    }

    @Test
    void runWithoutMicrometerShouldStillHaveBuffers() {
        this.runner.withClassLoader(new FilteredClassLoader("io.micrometer"))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(TidefallBuffers.class)
                            .doesNotHaveBean(TidefallMetrics.class).doesNotHaveBean(TidefallObservations.class);
                    drainOne(context.getBean(TidefallBuffers.class));
                });
    }

    @Test
    void runWithObservationsButNotMicrometerCoreShouldObserveWithoutMeters() {
        this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
                .withBean(TestObservationRegistry.class, TestObservationRegistry::create)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TidefallMetrics.class)
                        .hasSingleBean(TidefallObservations.class));
    }

    @Test
    void runWhenTidefallIsDisabledShouldNotHaveMetrics() {
        this.runner.withBean(SimpleMeterRegistry.class).withPropertyValues("tidefall.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TidefallMetrics.class));
    }

    @Test
    void metersOutliveTheBuffersWithTheFinalDrainCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        this.runner.withBean(SimpleMeterRegistry.class, () -> registry).run(context -> {
            drainOne(context.getBean(TidefallBuffers.class));
            context.getBean(TidefallBuffers.class).<Object>queue("events").pushAll(List.of(4, 5)); // for the final drain
            assertThat(registry.find("tidefall.buffer.size").gauge()).isNotNull();
        });
        // A push registry closes after the buffers and publishes its last step then: the final drain is in it.
        assertThat(registry.get("tidefall.processing.elements").tag("outcome", "success").counter().count()).isEqualTo(5);
    }

    private static void drainOne(TidefallBuffers buffers) {
        TidefallQueue<Object> events = buffers.queue("events");
        events.pushAll(List.of(1, 2, 3));
        events.flush();
    }

    @Configuration(proxyBeanMethods = false)
    static class SinkConfiguration {

        @Bean
        BatchProcessor<Object> sink() {
            return batch -> { };
        }
    }
}

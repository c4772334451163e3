package io.tidefall.spring.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tidefall.Buffer;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.deadletter.DeadLetters;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;
import io.tidefall.spring.metrics.TidefallMetrics;
import io.tidefall.spring.metrics.TidefallObservations;
import io.tidefall.spring.metrics.TidefallProcessingObservationConvention;

/**
 * Auto-configuration for Micrometer: {@link TidefallMetrics} when there is a {@link MeterRegistry};
 * {@link TidefallObservations} on the application's {@link ObservationRegistry} when there is one,
 * else, with a {@code MeterRegistry}, on a registry of its own that records observations as meters
 * only, so that the {@code tidefall.processing} timer exists either way.
 */
@AutoConfiguration(after = TidefallAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnClass({ ObservationRegistry.class, Buffer.class })
@ConditionalOnBean(TidefallBuffers.class)
public final class TidefallMetricsAutoConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class MeterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        TidefallMetrics tidefallMetrics(MeterRegistry registry, TidefallBuffers buffers, ObjectProvider<DeadLetters> deadLetters) {
            return new TidefallMetrics(registry, buffers, deadLetters.getIfUnique());
        }

        @Bean
        @ConditionalOnMissingBean({ ObservationRegistry.class, TidefallObservations.class })
        TidefallObservations tidefallMeterObservations(MeterRegistry registry) {
            return TidefallObservations.toMeters(registry);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(ObservationRegistry.class)
    static class ObservationConfiguration {

        @Bean
        @ConditionalOnMissingBean
        TidefallObservations tidefallObservations(ObservationRegistry registry,
                ObjectProvider<TidefallProcessingObservationConvention> convention) {
            return new TidefallObservations(registry, convention.getIfUnique());
        }
    }
}

package io.tidefall.spring.autoconfigure.health;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tidefall.BatchProcessor;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.actuate.TidefallHealthIndicator;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class TidefallHealthAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TidefallAutoConfiguration.class,
                    TidefallHealthAutoConfiguration.class))
            .withUserConfiguration(SinkConfiguration.class)
            .withPropertyValues("tidefall.buffers.events.processor=sink");

    @Test
    void runShouldHaveHealthIndicatorHearingEveryBuffer() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(TidefallHealthIndicator.class).hasBean("tidefallHealthIndicator");
            TidefallHealthIndicator indicator = context.getBean(TidefallHealthIndicator.class);
            assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
            assertThat(indicator.health(true).getDetails()).containsOnlyKeys("events");
            assertThat(indicator.stream()).extracting(HealthContributors.Entry::name).containsExactly("events");
            HealthIndicator events = (HealthIndicator) indicator.getContributor("events");
            assertThat(events.health().getStatus()).isEqualTo(Status.UP);
            assertThat(events.health().getDetails()).containsEntry("running", true);
            assertThat(indicator.getContributor("nope")).isNull();
        });
    }

    @Test
    void runWhenHealthIndicatorIsDisabledShouldNotHaveIt() {
        this.runner.withPropertyValues("management.health.tidefall.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TidefallHealthIndicator.class));
    }

    @Test
    void runWhenTidefallIsDisabledShouldNotHaveIt() {
        this.runner.withPropertyValues("tidefall.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TidefallHealthIndicator.class));
    }

    @Test
    void runWithoutSpringBootHealthShouldStillHaveBuffers() {
        this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(TidefallBuffers.class)
                        .doesNotHaveBean(TidefallHealthIndicator.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class SinkConfiguration {

        @Bean
        BatchProcessor<Object> sink() {
            return batch -> { };
        }
    }
}

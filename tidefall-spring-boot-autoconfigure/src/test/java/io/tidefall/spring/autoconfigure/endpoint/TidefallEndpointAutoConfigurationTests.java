package io.tidefall.spring.autoconfigure.endpoint;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tidefall.BatchProcessor;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.actuate.TidefallEndpoint;
import io.tidefall.spring.actuate.TidefallEndpointWebExtension;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class TidefallEndpointAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TidefallAutoConfiguration.class,
                    TidefallEndpointAutoConfiguration.class))
            .withUserConfiguration(SinkConfiguration.class)
            .withPropertyValues("tidefall.buffers.events.processor=sink");

    @Test
    void runWhenExposedOverWebShouldHaveEndpointAndWebExtension() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=tidefall")
                .run(context -> {
                    assertThat(context).hasSingleBean(TidefallEndpoint.class)
                            .hasSingleBean(TidefallEndpointWebExtension.class);
                    assertThat(context.getBean(TidefallEndpoint.class).buffers().buffers()).containsOnlyKeys("events");
                });
    }

    @Test
    void runWhenExposedOverJmxOnlyShouldHaveEndpointWithoutWebExtension() {
        this.runner.withPropertyValues("spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=tidefall")
                .run(context -> assertThat(context).hasSingleBean(TidefallEndpoint.class)
                        .doesNotHaveBean(TidefallEndpointWebExtension.class));
    }

    @Test
    void runWhenNotExposedShouldNotHaveEndpointBean() {
        this.runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TidefallEndpoint.class));
    }

    @Test
    void runWhenAccessIsNoneShouldNotHaveEndpointBean() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=tidefall",
                "management.endpoint.tidefall.access=NONE")
                .run(context -> assertThat(context).doesNotHaveBean(TidefallEndpoint.class));
    }

    @Test
    void runWhenTidefallIsDisabledShouldNotHaveEndpointBean() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=tidefall", "tidefall.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TidefallEndpoint.class));
    }

    @Test
    void runWithoutActuatorShouldStillHaveBuffers() {
        this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
                .withPropertyValues("management.endpoints.web.exposure.include=tidefall")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(TidefallBuffers.class)
                        .hasBean("events").doesNotHaveBean(TidefallEndpoint.class));
    }

    @Test
    void runWithAnEndpointOfTheApplicationShouldBackOff() {
        this.runner.withPropertyValues("management.endpoints.web.exposure.include=tidefall")
                .withBean("myEndpoint", TidefallEndpoint.class, () -> new TidefallEndpoint(TidefallBuffers.of()))
                .run(context -> assertThat(context).getBean(TidefallEndpoint.class).isSameAs(context.getBean("myEndpoint")));
    }

    @Configuration(proxyBeanMethods = false)
    static class SinkConfiguration {

        @Bean
        BatchProcessor<Object> sink() {
            return batch -> { };
        }
    }
}

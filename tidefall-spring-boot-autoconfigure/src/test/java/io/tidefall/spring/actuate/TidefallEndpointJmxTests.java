package io.tidefall.spring.actuate;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import io.tidefall.Buffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code tidefall} endpoint over JMX, which invokes operations with exactly their parameters:
 * {@code updateOptions} takes the buffer's name and one map of options, as over HTTP.
 */
class TidefallEndpointJmxTests {

    @Test
    void updateOptionsTakesTheNameAndAMapOfOptions() throws Exception {
        SpringApplication application = new SpringApplication(TidefallEndpointWebTests.Application.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run("--tidefall.buffers.events.processor=sink",
                "--spring.jmx.enabled=true", "--spring.jmx.unique-names=true",
                "--management.endpoints.jmx.exposure.include=tidefall", "--management.endpoint.tidefall.access=unrestricted")) {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = server.queryNames(new ObjectName("org.springframework.boot:type=Endpoint,name=Tidefall,*"), null);
            assertThat(names).hasSize(1);
            Object answer = server.invoke(names.iterator().next(), "updateOptions",
                    new Object[] { "events", Map.of("processingInterval", "2s", "processingRetries", "unlimited") },
                    new String[] { String.class.getName(), Map.class.getName() });
            assertThat(answer).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("processingInterval", "2s").containsEntry("processingRetries", "unlimited");
            assertThat(context.getBean("events", Buffer.class).options().processingInterval()).isEqualTo(Duration.ofSeconds(2));
        }
    }
}

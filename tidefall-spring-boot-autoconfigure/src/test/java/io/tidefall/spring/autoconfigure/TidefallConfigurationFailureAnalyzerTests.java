package io.tidefall.spring.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

import io.tidefall.spring.TidefallConfigurationException;

@ExtendWith(OutputCaptureExtension.class)
class TidefallConfigurationFailureAnalyzerTests {

    @Test
    void analyzeShouldSplitDescriptionAndAction() {
        TidefallConfigurationException failure = new TidefallConfigurationException("events",
                "Buffer 'events': tidefall.buffers.events.partitions is '0', which is invalid: must be at least 1.",
                "Set tidefall.buffers.events.partitions to 1 or more.");
        FailureAnalysis analysis = new TidefallConfigurationFailureAnalyzer().analyze(new IllegalStateException("wrapped", failure));
        assertThat(analysis.getDescription()).isEqualTo(failure.getDescription());
        assertThat(analysis.getAction()).isEqualTo("Set tidefall.buffers.events.partitions to 1 or more.");
        assertThat(analysis.getCause()).isSameAs(failure);
    }

    @Test
    void applicationStartupShouldReportTheFailureThroughTheRegisteredAnalyzer(CapturedOutput output) {
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException().isThrownBy(() -> application.run("--tidefall.buffers.events.processor=recorder",
                "--tidefall.buffers.events.partitions=0"));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Buffer 'events': tidefall.buffers.events.partitions is '0', which is invalid: must be at least 1.")
                .contains("Action:")
                .contains("Set tidefall.buffers.events.partitions to 1 or more");
    }

    @Test
    void applicationStartupShouldReportMissingProcessor(CapturedOutput output) {
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        assertThatException().isThrownBy(() -> application.run("--tidefall.buffers.clicks.type=queue"));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("Buffer 'clicks' has no processor")
                .contains("Set tidefall.buffers.clicks.processor to the name of a BatchProcessor bean");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {

        @Bean
        Recorder<Object> recorder() {
            return new Recorder<>();
        }
    }
}

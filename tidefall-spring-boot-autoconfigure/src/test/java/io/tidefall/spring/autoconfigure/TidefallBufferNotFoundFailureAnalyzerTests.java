package io.tidefall.spring.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;

import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * An injection point that names no configured buffer fails the startup listing the buffers that
 * exist, as a user sees it: through {@link SpringApplication} and the failure analyzers registered
 * in {@code META-INF/spring.factories}.
 */
@ExtendWith(OutputCaptureExtension.class)
class TidefallBufferNotFoundFailureAnalyzerTests {

    @Test
    void aMisspeltQualifierShouldFailListingTheBuffersAndTheClosestName(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run(MisspeltQualifier.class));
        assertThat(output).contains("APPLICATION FAILED TO START")
                .contains("required the buffer 'evnets' as a TidefallQueue, but there is no buffer of that name and type.")
                .contains("The buffers are: events (queue), presence (hash-map).")
                .contains("Did you mean 'events'? Use @Qualifier(\"events\"), or configure it under tidefall.buffers.evnets.")
                .doesNotContain("Consider defining a bean of type");
    }

    @Test
    void aQualifierFarFromEveryBufferShouldFailListingTheBuffers(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run(UnknownQualifier.class));
        assertThat(output).contains("required the buffer 'clicks' as a TidefallQueue")
                .contains("The buffers are: events (queue), presence (hash-map).")
                .contains("Name one of the buffers in @Qualifier, or configure it under tidefall.buffers.clicks.")
                .doesNotContain("Did you mean");
    }

    @Test
    void aBufferOfTheOtherTypeShouldFailSayingWhatItIs(CapturedOutput output) {
        assertThatException().isThrownBy(() -> run(WrongType.class));
        assertThat(output).contains("required the buffer 'presence' as a TidefallQueue")
                .contains("Buffer 'presence' is a hash-map: inject it as a TidefallHashMap, or set tidefall.buffers.presence.type to queue.");
    }

    @Test
    void aCorrectQualifierStarts() {
        run(CorrectQualifier.class).close();
    }

    private static org.springframework.context.ConfigurableApplicationContext run(Class<?> injection) {
        SpringApplication application = new SpringApplication(Application.class, injection);
        application.setWebApplicationType(WebApplicationType.NONE);
        return application.run("--tidefall.buffers.events.processor=recorder", "--tidefall.buffers.presence.type=hash-map",
                "--tidefall.buffers.presence.processor=recorder");
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {

        @Bean
        Recorder<Object> recorder() {
            return new Recorder<>();
        }
    }

    static class MisspeltQualifier {

        @Bean
        String pageViews(@Qualifier("evnets") TidefallQueue<String> events) {
            return "page views";
        }
    }

    static class UnknownQualifier {

        @Bean
        String pageViews(@Qualifier("clicks") TidefallQueue<String> clicks) {
            return "page views";
        }
    }

    static class WrongType {

        @Bean
        String pageViews(@Qualifier("presence") TidefallQueue<String> presence) {
            return "page views";
        }
    }

    static class CorrectQualifier {

        @Bean
        String pageViews(@Qualifier("events") TidefallQueue<String> events, @Qualifier("presence") TidefallHashMap<String, String> presence) {
            return "page views";
        }
    }
}

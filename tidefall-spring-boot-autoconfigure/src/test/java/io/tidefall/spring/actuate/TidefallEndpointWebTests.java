package io.tidefall.spring.actuate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import io.tidefall.BatchProcessor;
import io.tidefall.BatchSize;
import io.tidefall.BufferOptions;
import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code tidefall} endpoint over HTTP, in a running application. */
@TestPropertySource(properties = { "management.endpoints.web.exposure.include=tidefall,health",
        "management.endpoint.health.show-details=always",
        "tidefall.buffers.events.processor=sink", "tidefall.buffers.events.partitions=2",
        "tidefall.buffers.events.processing-interval=1h", "tidefall.buffers.presence.type=hash-map",
        "tidefall.buffers.presence.processor=sink", "tidefall.buffers.presence.processing-batch-size=table" })
class TidefallEndpointWebTests {

    @Nested
    @SpringBootTest(classes = Application.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
            "management.endpoint.tidefall.access=unrestricted" })
    @AutoConfigureRestTestClient
    class WithWritesGranted {

        @Autowired
        RestTestClient client;

        @Autowired
        @Qualifier("events")
        TidefallQueue<String> events;

        @Autowired
        Sink sink;

        @AfterEach
        void restoreOptions() {
            this.events.updateOptions(options -> BufferOptions.defaults().withProcessingInterval(Duration.ofHours(1)));
        }

        @Test
        void listsEveryBuffer() {
            this.events.push("a");
            this.client.get().uri("/actuator/tidefall").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.buffers.events.type").isEqualTo("queue")
                    .jsonPath("$.buffers.events.partitions").isEqualTo(2)
                    .jsonPath("$.buffers.events.bufferSize").isEqualTo(1)
                    .jsonPath("$.buffers.events.options.processingInterval").isEqualTo("1h")
                    .jsonPath("$.buffers.presence.type").isEqualTo("hash-map")
                    .jsonPath("$.buffers.presence.options.processingBatchSize").isEqualTo("table");
            this.events.flush();
        }

        @Test
        void showsOneBufferWithItsPartitions() {
            this.client.get().uri("/actuator/tidefall/events").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.name").isEqualTo("events")
                    .jsonPath("$.partitionDetails.length()").isEqualTo(2)
                    .jsonPath("$.partitionDetails[0].draining").isEqualTo(false)
                    .jsonPath("$.partitionDetails[1].partition").isEqualTo(1);
        }

        @Test
        void unknownBufferIsNotFound() {
            this.client.get().uri("/actuator/tidefall/nope").exchange().expectStatus().isNotFound();
            this.client.post().uri("/actuator/tidefall/nope").contentType(MediaType.APPLICATION_JSON)
                    .body("{\"processingInterval\": \"1s\"}").exchange().expectStatus().isNotFound();
            this.client.post().uri("/actuator/tidefall/nope/flush").exchange().expectStatus().isNotFound();
        }

        @Test
        void updatesOptionsPartially() {
            this.client.post().uri("/actuator/tidefall/events").contentType(MediaType.APPLICATION_JSON)
                    .body("{\"processingInterval\": \"250ms\", \"processingBatchSize\": 500, \"drainThreshold\": 1000}")
                    .exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.processingInterval").isEqualTo("250ms")
                    .jsonPath("$.processingBatchSize").isEqualTo(500)
                    .jsonPath("$.drainThreshold").isEqualTo(1000)
                    .jsonPath("$.processingTimeout").isEqualTo("1m");
            assertThat(this.events.options().processingInterval()).isEqualTo(Duration.ofMillis(250));
            assertThat(this.events.options().processingBatchSize()).isEqualTo(BatchSize.of(500));
            this.client.post().uri("/actuator/tidefall/events").contentType(MediaType.APPLICATION_JSON)
                    .body("{\"drainThreshold\": \"off\", \"processingTimeout\": \"PT30S\"}")
                    .exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.drainThreshold").isEqualTo("off")
                    .jsonPath("$.processingTimeout").isEqualTo("30s")
                    .jsonPath("$.processingInterval").isEqualTo("250ms");
            assertThat(this.events.options().hasDrainThreshold()).isFalse();
        }

        /** Unlimited retries read "unlimited" in every answer, never 2147483647, and are written back so. */
        @Test
        void showsAndTakesUnlimitedRetries() {
            this.client.get().uri("/actuator/tidefall").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.buffers.events.options.processingRetries").isEqualTo("unlimited");
            this.client.post().uri("/actuator/tidefall/events").contentType(MediaType.APPLICATION_JSON)
                    .body("{\"processingRetries\": 3}").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.processingRetries").isEqualTo(3);
            this.client.post().uri("/actuator/tidefall/events").contentType(MediaType.APPLICATION_JSON)
                    .body("{\"processingRetries\": \"unlimited\"}").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.processingRetries").isEqualTo("unlimited");
            this.client.get().uri("/actuator/tidefall/events").exchange()
                    .expectBody().jsonPath("$.options.processingRetries").isEqualTo("unlimited");
            assertThat(this.events.options().processingRetries()).isEqualTo(Integer.MAX_VALUE);
        }

        /** A misspelt field is named with the option it was likely meant to be, and nothing changes. */
        @Test
        void rejectsAMisspeltFieldNamingTheClosestOption() {
            BufferOptions before = this.events.options();
            this.client.post().uri("/actuator/tidefall/events").contentType(MediaType.APPLICATION_JSON)
                    .body("{\"processingInterval\": \"2s\", \"procesingTimeout\": \"5s\"}").exchange()
                    .expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.message").value(message -> assertThat((String) message)
                            .startsWith("Unknown field 'procesingTimeout' (did you mean processingTimeout?): the fields are"));
            assertThat(this.events.options()).isEqualTo(before);
        }

        @Test
        void rejectsAnInvalidUpdateWithAMessageAndChangesNothing() {
            BufferOptions before = this.events.options();
            this.client.post().uri("/actuator/tidefall/events").contentType(MediaType.APPLICATION_JSON)
                    .body("{\"processingInterval\": \"2s\", \"processingTimeout\": \"-5s\"}")
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.message").isEqualTo("processingTimeout '-5s' is invalid: it must be a positive duration")
                    .jsonPath("$.status").isEqualTo(400);
            this.client.post().uri("/actuator/tidefall/events").contentType(MediaType.APPLICATION_JSON)
                    .body("{\"processingBatchSize\": \"lots\"}")
                    .exchange()
                    .expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.message").value(String.class,
                            message -> assertThat(message).contains("processingBatchSize", "'lots'"));
            assertThat(this.events.options()).isEqualTo(before);
        }

        @Test
        void flushesNow() {
            this.events.pushAll(List.of("x", "y"));
            this.client.post().uri("/actuator/tidefall/events/flush").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.bufferSize").isEqualTo(0);
            assertThat(this.sink.received).contains("x", "y");
        }

        @Test
        void reportsHealth() {
            this.client.get().uri("/actuator/health/tidefall").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.status").isEqualTo("UP")
                    .jsonPath("$.components.events.status").isEqualTo("UP")
                    .jsonPath("$.components.events.details.running").isEqualTo(true);
        }
    }

    @Nested
    @SpringBootTest(classes = Application.class, webEnvironment = WebEnvironment.RANDOM_PORT)
    @AutoConfigureRestTestClient
    class UnderDefaultAccess {

        @Autowired
        RestTestClient client;

        @Autowired
        @Qualifier("events")
        TidefallQueue<String> events;

        @Test
        void readsButRefusesWrites() {
            BufferOptions before = this.events.options();
            this.events.push("kept");
            this.client.get().uri("/actuator/tidefall/events").exchange().expectStatus().isOk();
            this.client.post().uri("/actuator/tidefall/events").contentType(MediaType.APPLICATION_JSON)
                    .body("{\"processingInterval\": \"1s\"}").exchange()
                    .expectStatus().isEqualTo(405);
            // Read-only access maps no write at all: the flush path has no other operation, so it is not found.
            this.client.post().uri("/actuator/tidefall/events/flush").exchange().expectStatus().isNotFound();
            assertThat(this.events.options()).isEqualTo(before);
            assertThat(this.events.bufferSize()).isEqualTo(1);
        }
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {

        @Bean
        Sink sink() {
            return new Sink();
        }
    }

    static class Sink implements BatchProcessor<Object> {

        final List<Object> received = new CopyOnWriteArrayList<>();

        @Override
        public void process(List<Object> batch) {
            this.received.addAll(batch);
        }
    }
}

package io.tidefall.spring.actuate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeEach;
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
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.NestedTestConfiguration;
import org.springframework.test.context.NestedTestConfiguration.EnclosingConfiguration;
import org.springframework.test.web.servlet.client.RestTestClient;

import io.tidefall.BatchProcessor;
import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dead-letter store in a running application: what the processor could not take is stored,
 * counted on the endpoint, and {@code POST /actuator/tidefall/{name}/replay} delivers it once the
 * processor works again.
 */
@SpringBootTest(classes = TidefallDeadLetterWebTests.Application.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "management.endpoints.web.exposure.include=tidefall", "management.endpoint.tidefall.access=unrestricted",
                "tidefall.buffers.events.processor=sink", "tidefall.buffers.events.partitions=2",
                "tidefall.buffers.events.processing-interval=1h", "tidefall.buffers.events.processing-retries=0",
                "tidefall.dead-letter.self-heal=false" })
@AutoConfigureRestTestClient
class TidefallDeadLetterWebTests {

    static final Path DIRECTORY;

    static {
        try {
            DIRECTORY = Files.createTempDirectory("tidefall-dead-letters");
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    @DynamicPropertySource
    static void deadLetters(DynamicPropertyRegistry registry) {
        registry.add("tidefall.dead-letter.directory", DIRECTORY::toString);
    }

    @Autowired
    RestTestClient client;

    @Autowired
    @Qualifier("events")
    TidefallQueue<String> events;

    @Autowired
    Sink sink;

    @BeforeEach
    void emptySink() {
        this.sink.failing = false;
        this.sink.received.clear();
    }

    @Test
    void failedElementsAreStoredCountedAndDeliveredByAReplay() {
        this.sink.failing = true;
        this.events.pushAll(List.of("a", "b", "c"));
        this.events.flush();
        assertThat(this.sink.received).isEmpty();

        this.client.get().uri("/actuator/tidefall/events").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.deadLetters").isEqualTo(3);

        this.sink.failing = false;
        this.client.post().uri("/actuator/tidefall/events/replay").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.buffer").isEqualTo("events")
                .jsonPath("$.replayed").isEqualTo(3)
                .jsonPath("$.remaining").isEqualTo(0);
        this.events.flush();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(this.sink.received).containsExactlyInAnyOrder("a", "b", "c"));
        this.client.get().uri("/actuator/tidefall/events").exchange()
                .expectBody().jsonPath("$.deadLetters").isEqualTo(0);
    }

    @Test
    void replayOfAnUnknownBufferIs404() {
        this.client.post().uri("/actuator/tidefall/nope/replay").exchange().expectStatus().isNotFound();
    }

    @Test
    void replayWithFieldsIs400AndReplaysNothing() {
        this.sink.failing = true;
        this.events.push("kept");
        this.events.flush();
        this.sink.failing = false;

        this.client.post().uri("/actuator/tidefall/events/replay").contentType(MediaType.APPLICATION_JSON)
                .body("{\"colour\": \"blue\"}").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.message").isEqualTo(
                        "Unknown field 'colour': this operation takes no fields. Nothing was changed.");
        this.client.get().uri("/actuator/tidefall/events").exchange()
                .expectBody().jsonPath("$.deadLetters").isEqualTo(1);

        this.client.post().uri("/actuator/tidefall/events/replay").exchange().expectStatus().isOk();
        this.events.flush();
        assertThat(this.sink.received).contains("kept");
    }

    /** With {@code tidefall.dead-letter.enabled=false}: no store, so replay is 404 saying why. */
    @Nested
    @NestedTestConfiguration(EnclosingConfiguration.OVERRIDE)
    @SpringBootTest(classes = TidefallDeadLetterWebTests.Application.class, webEnvironment = WebEnvironment.RANDOM_PORT,
            properties = { "management.endpoints.web.exposure.include=tidefall", "management.endpoint.tidefall.access=unrestricted",
                    "tidefall.buffers.events.processor=sink", "tidefall.dead-letter.enabled=false" })
    @AutoConfigureRestTestClient
    class WithoutStore {

        @Autowired
        RestTestClient client;

        @Test
        void replayIs404NamingTheProperty() {
            this.client.post().uri("/actuator/tidefall/events/replay").exchange()
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.message").isEqualTo(
                            "There is no dead-letter store to replay from: tidefall.dead-letter.enabled is false, or Jackson is not on the class path.");
            this.client.get().uri("/actuator/tidefall/events").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.deadLetters").doesNotExist();
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

    static class Sink implements BatchProcessor<String> {

        final List<String> received = new CopyOnWriteArrayList<>();
        volatile boolean failing;

        @Override
        public void process(List<String> batch) {
            if (this.failing) {
                throw new IllegalStateException("the sink is down");
            }
            this.received.addAll(batch);
        }
    }
}

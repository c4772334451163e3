package io.tidefall.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import io.tidefall.spring.TidefallBuffers;

/**
 * What the sample's {@code application.yml} exposes of Actuator: the {@code tidefall} endpoint with
 * writes granted (reads, a live option update, a flush), the health contributor and the meters.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class TidefallEndpointTests {

    @Autowired
    RestTestClient http;

    @Autowired
    TidefallBuffers buffers;

    /** Puts back the interval {@code application.yml} configures, for the other tests of this context. */
    @AfterEach
    void restoreInterval() {
        this.buffers.get("presence").updateOptions(options -> options.withProcessingInterval(Duration.ofSeconds(1)));
    }

    @Test
    void listsBothBuffersWithTheirConfiguredOptions() {
        this.http.get().uri("/actuator/tidefall").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.buffers.events.type").isEqualTo("queue")
                .jsonPath("$.buffers.events.partitions").isEqualTo(2)
                .jsonPath("$.buffers.events.bufferSize").isNumber()
                .jsonPath("$.buffers.events.options.processingInterval").isEqualTo("500ms")
                .jsonPath("$.buffers.events.options.processingBatchSize").isEqualTo(500)
                .jsonPath("$.buffers.events.options.drainThreshold").isEqualTo(1000)
                .jsonPath("$.buffers.presence.type").isEqualTo("hash-map")
                .jsonPath("$.buffers.presence.options.processingInterval").isEqualTo("1s")
                .jsonPath("$.buffers.presence.options.processingBatchSize").isEqualTo("table");
    }

    @Test
    void showsOneBufferWithItsPartitionsAndNoUnknownOne() {
        this.http.get().uri("/actuator/tidefall/events").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.type").isEqualTo("queue")
                .jsonPath("$.bufferSize").isNumber()
                .jsonPath("$.partitionDetails.length()").isEqualTo(2)
                .jsonPath("$.partitionDetails[0].draining").isBoolean()
                .jsonPath("$.partitionDetails[0].drained").isNumber();
        this.http.get().uri("/actuator/tidefall/nope").exchange().expectStatus().isNotFound();
    }

    @Test
    void changesTheProcessingIntervalLive() {
        this.http.post().uri("/actuator/tidefall/presence").contentType(MediaType.APPLICATION_JSON)
                .body("{\"processingInterval\":\"200ms\"}").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.processingInterval").isEqualTo("200ms");
        assertThat(this.buffers.get("presence").options().processingInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(this.buffers.get("presence").options().processingBatchSize().isTable())
                .as("a partial update keeps the other options").isTrue();

        this.http.post().uri("/actuator/tidefall/presence").contentType(MediaType.APPLICATION_JSON)
                .body("{\"processingInterval\":\"-5s\"}").exchange()
                .expectStatus().isBadRequest()
                .expectBody().jsonPath("$.message").value(String.class,
                        message -> assertThat(message).contains("processingInterval").contains("-5s"));
        assertThat(this.buffers.get("presence").options().processingInterval()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void flushStoresWhatIsBufferedNow() {
        // a long interval, so that only the flush can have stored the heartbeat
        this.buffers.get("presence").updateOptions(options -> options.withProcessingInterval(Duration.ofHours(1)));
        this.http.put().uri("/presence/flushed").contentType(MediaType.APPLICATION_JSON)
                .body("{\"status\":\"online\",\"at\":7}").exchange().expectStatus().isAccepted();

        this.http.post().uri("/actuator/tidefall/presence/flush").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.bufferSize").isEqualTo(0);

        this.http.get().uri("/presence/flushed").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("online");
    }

    @Test
    void healthAndMetricsShowTheBuffers() {
        this.http.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("UP")
                .jsonPath("$.components.tidefall.status").isEqualTo("UP")
                .jsonPath("$.components.tidefall.components.events.status").isEqualTo("UP")
                .jsonPath("$.components.tidefall.components.presence.details.running").isEqualTo(true);
        // One buffer on its own, as a health group can hold it.
        this.http.get().uri("/actuator/health/tidefall/events").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        this.http.get().uri("/actuator/metrics/tidefall.buffer.size?tag=buffer:events").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.measurements[0].value").isNumber();
    }
}

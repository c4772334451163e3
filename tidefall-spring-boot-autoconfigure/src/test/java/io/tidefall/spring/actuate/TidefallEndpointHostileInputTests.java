package io.tidefall.spring.actuate;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.client.EntityExchangeResult;
import org.springframework.test.web.servlet.client.RestTestClient;

import io.tidefall.BufferOptions;
import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Hostile bodies for {@code POST /actuator/tidefall/{name}}, all against one running application
 * (the setup of {@link TidefallEndpointWebTests}, writes granted). Each answers a 4xx; where the
 * endpoint builds the answer, its {@code message} names the field and the value; where the
 * framework rejects the request before the endpoint sees it, the status is Spring's. After every
 * row the buffer's options are exactly what they were, the elements buffered before the request
 * are all processed by a flush, and a GET still answers 200.
 */
@TestPropertySource(properties = { "management.endpoints.web.exposure.include=tidefall,health",
        "management.endpoint.health.show-details=always",
        "tidefall.buffers.events.processor=sink", "tidefall.buffers.events.partitions=2",
        "tidefall.buffers.events.processing-interval=1h", "tidefall.buffers.presence.type=hash-map",
        "tidefall.buffers.presence.processor=sink", "tidefall.buffers.presence.processing-batch-size=table" })
@SpringBootTest(classes = TidefallEndpointWebTests.Application.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = "management.endpoint.tidefall.access=unrestricted")
@AutoConfigureRestTestClient
class TidefallEndpointHostileInputTests {

    private static final String NOT_AN_OBJECT = "The body is not a JSON object of option names and values";

    private static final String JSON = MediaType.APPLICATION_JSON_VALUE;

    /** Where the answer comes from: the endpoint, with a message; or the framework, before it. */
    enum By {
        ENDPOINT, FRAMEWORK
    }

    @Autowired
    RestTestClient client;

    @Autowired
    @Qualifier("events")
    TidefallQueue<String> events;

    @Autowired
    TidefallEndpointWebTests.Sink sink;

    @AfterEach
    void restoreOptions() {
        // A failing row must not leak changed options into the next one.
        this.events.updateOptions(options -> BufferOptions.defaults().withProcessingInterval(Duration.ofHours(1)));
    }

    static Stream<Arguments> hostileBodies() {
        return Stream.of(
                // input | content type | body | status | by | message fragment
                row("interval as a JSON number", JSON, "{\"processingInterval\": 5}", 400, By.ENDPOINT,
                        "processingInterval '5' is invalid: it must be a duration with a unit, such as 250ms, 5s or PT1M"),
                row("interval as true", JSON, "{\"processingInterval\": true}", 400, By.ENDPOINT,
                        "processingInterval 'true' is invalid"),
                row("interval as []", JSON, "{\"processingInterval\": []}", 400, By.FRAMEWORK, null),
                row("interval as [\"1s\"]", JSON, "{\"processingInterval\": [\"1s\"]}", 400, By.FRAMEWORK, null),
                row("interval as {}", JSON, "{\"processingInterval\": {}}", 400, By.FRAMEWORK, null),
                row("interval 0s", JSON, "{\"processingInterval\": \"0s\"}", 400, By.ENDPOINT,
                        "processingInterval '0s' is invalid: it must be a positive duration"),
                row("interval -5s", JSON, "{\"processingInterval\": \"-5s\"}", 400, By.ENDPOINT,
                        "processingInterval '-5s' is invalid: it must be a positive duration"),
                // Zero needs no unit, here as in the configuration: refused for being zero, not for its form.
                row("interval 0", JSON, "{\"processingInterval\": \"0\"}", 400, By.ENDPOINT,
                        "processingInterval '0' is invalid: it must be a positive duration"),
                row("interval 99999999999d", JSON, "{\"processingInterval\": \"99999999999d\"}", 400, By.ENDPOINT,
                        "processingInterval '99999999999d' is invalid: it must be at most 292 years"),
                row("interval 9999999999999999999999d", JSON, "{\"processingInterval\": \"9999999999999999999999d\"}", 400,
                        By.ENDPOINT, "processingInterval '9999999999999999999999d' is invalid: it must be a duration"),
                row("interval soon", JSON, "{\"processingInterval\": \"soon\"}", 400, By.ENDPOINT,
                        "processingInterval 'soon' is invalid: it must be a duration"),
                row("interval empty string", JSON, "{\"processingInterval\": \"\"}", 400, By.ENDPOINT,
                        "processingInterval '' is invalid: it must be a duration"),
                row("timeout -1ms", JSON, "{\"processingTimeout\": \"-1ms\"}", 400, By.ENDPOINT,
                        "processingTimeout '-1ms' is invalid: it must be a positive duration"),
                row("timeout 99999999999d", JSON, "{\"processingTimeout\": \"99999999999d\"}", 400, By.ENDPOINT,
                        "processingTimeout '99999999999d' is invalid: it must be at most 292 years"),
                row("drain check 0s", JSON, "{\"drainCheckInterval\": \"0s\"}", 400, By.ENDPOINT,
                        "drainCheckInterval '0s' is invalid: it must be a positive duration"),
                row("max block -5s", JSON, "{\"maxBlock\": \"-5s\"}", 400, By.ENDPOINT,
                        "maxBlock '-5s' is invalid: it must be a positive duration"),
                row("retry backoff -1ms", JSON, "{\"retryBackoff\": \"-1ms\"}", 400, By.ENDPOINT,
                        "retryBackoff '-1ms' is invalid: it must be zero or a positive duration"),
                row("retry backoff 99999999999d", JSON, "{\"retryBackoff\": \"99999999999d\"}", 400, By.ENDPOINT,
                        "retryBackoff '99999999999d' is invalid: it must be at most 292 years"),
                row("retry backoff max -1ms", JSON, "{\"retryBackoffMax\": \"-1ms\"}", 400, By.ENDPOINT,
                        "retryBackoffMax '-1ms' is invalid: it must be zero or a positive duration"),
                row("retry backoff max 5", JSON, "{\"retryBackoffMax\": 5}", 400, By.ENDPOINT,
                        "retryBackoffMax '5' is invalid: it must be a duration with a unit, such as 250ms, 5s or PT1M"),
                row("delivery timeout 0s", JSON, "{\"deliveryTimeout\": \"0s\"}", 400, By.ENDPOINT,
                        "deliveryTimeout '0s' is invalid: it must be a positive duration"),
                row("delivery timeout -2m", JSON, "{\"deliveryTimeout\": \"-2m\"}", 400, By.ENDPOINT,
                        "deliveryTimeout '-2m' is invalid: it must be a positive duration"),
                row("delivery timeout 99999999999d", JSON, "{\"deliveryTimeout\": \"99999999999d\"}", 400, By.ENDPOINT,
                        "deliveryTimeout '99999999999d' is invalid: it must be at most 292 years"),
                row("delivery timeout forever", JSON, "{\"deliveryTimeout\": \"forever\"}", 400, By.ENDPOINT,
                        "deliveryTimeout 'forever' is invalid: it must be a duration such as 250ms, 5s or PT1M"),
                row("batch size 0", JSON, "{\"processingBatchSize\": 0}", 400, By.ENDPOINT,
                        "processingBatchSize '0' is invalid: it must be a positive number or 'table'"),
                row("batch size -1", JSON, "{\"processingBatchSize\": -1}", 400, By.ENDPOINT,
                        "processingBatchSize '-1' is invalid"),
                row("batch size \"tables\"", JSON, "{\"processingBatchSize\": \"tables\"}", 400, By.ENDPOINT,
                        "processingBatchSize 'tables' is invalid: it must be a positive number or 'table'"),
                row("batch size 1.5", JSON, "{\"processingBatchSize\": 1.5}", 400, By.ENDPOINT,
                        "processingBatchSize '1.5' is invalid"),
                row("batch size 99999999999", JSON, "{\"processingBatchSize\": 99999999999}", 400, By.ENDPOINT,
                        "processingBatchSize '99999999999' is invalid"),
                row("batch size true", JSON, "{\"processingBatchSize\": true}", 400, By.ENDPOINT,
                        "processingBatchSize 'true' is invalid"),
                row("drain threshold -1", JSON, "{\"drainThreshold\": -1}", 400, By.ENDPOINT,
                        "drainThreshold '-1' is invalid: it must be positive"),
                row("drain threshold 1.5", JSON, "{\"drainThreshold\": 1.5}", 400, By.ENDPOINT,
                        "drainThreshold '1.5' is invalid"),
                row("drain threshold \"lots\"", JSON, "{\"drainThreshold\": \"lots\"}", 400, By.ENDPOINT,
                        "drainThreshold 'lots' is invalid: it must be a positive number of elements, or 'off'"),
                row("capacity \"lots\"", JSON, "{\"capacity\": \"lots\"}", 400, By.ENDPOINT,
                        "capacity 'lots' is invalid: it must be a positive number of elements per partition, or 'off'"),
                row("capacity 0", JSON, "{\"capacity\": 0}", 400, By.ENDPOINT, "capacity '0' is invalid: it must be positive"),
                row("capacity 10^23", JSON, "{\"capacity\": 99999999999999999999999}", 400, By.ENDPOINT,
                        "capacity '99999999999999999999999' is invalid"),
                row("overflow \"sideways\"", JSON, "{\"overflow\": \"sideways\"}", 400, By.ENDPOINT,
                        "overflow 'sideways' is invalid: it must be one of block, drop, fail"),
                row("overflow 5", JSON, "{\"overflow\": 5}", 400, By.ENDPOINT, "overflow '5' is invalid"),
                row("retries -1", JSON, "{\"processingRetries\": -1}", 400, By.ENDPOINT,
                        "processingRetries '-1' is invalid: it must be 0 or a positive number"),
                row("retries \"many\"", JSON, "{\"processingRetries\": \"many\"}", 400, By.ENDPOINT,
                        "processingRetries 'many' is invalid"),
                row("retries 1.5", JSON, "{\"processingRetries\": 1.5}", 400, By.ENDPOINT,
                        "processingRetries '1.5' is invalid"),
                row("valid field, then an invalid one", JSON, "{\"processingInterval\": \"2s\", \"processingTimeout\": \"-5s\"}",
                        400, By.ENDPOINT, "processingTimeout '-5s' is invalid"),
                row("unknown field alone", JSON, "{\"colour\": \"blue\"}", 400, By.ENDPOINT, "Unknown field 'colour'"),
                row("unknown field beside a valid one", JSON, "{\"processingInterval\": \"2s\", \"procesingTimeout\": \"5s\"}",
                        400, By.ENDPOINT, "Unknown field 'procesingTimeout'"),
                row("unknown query parameter", JSON, "{\"processingInterval\": \"2s\"}", "?colour=blue", 400, By.ENDPOINT,
                        "Unknown field 'colour'"),
                row("invalid query parameter", JSON, "{}", "?processingInterval=-5s", 400, By.ENDPOINT,
                        "processingInterval '-5s' is invalid"),
                row("empty body", JSON, "", 400, By.ENDPOINT, "The request names no option to change"),
                row("empty object", JSON, "{}", 400, By.ENDPOINT, "The request names no option to change"),
                row("null value", JSON, "{\"processingInterval\": null}", 400, By.ENDPOINT,
                        "The request names no option to change"),
                row("null beside an invalid value", JSON, "{\"processingInterval\": null, \"capacity\": \"lots\"}", 400,
                        By.ENDPOINT, "capacity 'lots' is invalid"),
                row("5 MB string value", JSON, "{\"processingInterval\": \"" + "9".repeat(5 * 1024 * 1024) + "\"}", 400,
                        By.ENDPOINT, "(5242880 characters)"),
                row("malformed JSON", JSON, "{\"processingInterval\": \"2s\"", 400, By.ENDPOINT, NOT_AN_OBJECT),
                row("unquoted JSON", JSON, "{processingInterval: 2s}", 400, By.ENDPOINT, NOT_AN_OBJECT),
                row("JSON array body", JSON, "[\"2s\"]", 400, By.ENDPOINT, NOT_AN_OBJECT),
                row("JSON string body", JSON, "\"2s\"", 400, By.ENDPOINT, NOT_AN_OBJECT),
                row("10,000 levels of [", JSON, "[".repeat(10_000), 400, By.ENDPOINT, NOT_AN_OBJECT),
                row("10,000 nested arrays in a value", JSON,
                        "{\"processingInterval\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}", 400, By.ENDPOINT, NOT_AN_OBJECT),
                row("text/plain", MediaType.TEXT_PLAIN_VALUE, "{\"processingInterval\": \"2s\"}", 415, By.FRAMEWORK, null),
                row("form-urlencoded", MediaType.APPLICATION_FORM_URLENCODED_VALUE, "processingInterval=2s", 415,
                        By.FRAMEWORK, null),
                row("XML", MediaType.APPLICATION_XML_VALUE, "<processingInterval>2s</processingInterval>", 415,
                        By.FRAMEWORK, null));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("hostileBodies")
    void hostileBodyShouldAnswer4xxAndHarmNothing(String input, Request request, int status, By by,
            @Nullable String message) {
        BufferOptions before = this.events.options();
        List<String> buffered = IntStream.range(0, 3).mapToObj(i -> input + " #" + i).toList();
        this.events.pushAll(buffered);

        EntityExchangeResult<String> response = this.client.post().uri("/actuator/tidefall/events" + request.query())
                .contentType(MediaType.parseMediaType(request.contentType()))
                .body(request.body())
                .exchange()
                .expectBody(String.class)
                .returnResult();

        assertThat(response.getStatus().value()).as("status for %s, answered %s", input, abbreviate(response.getResponseBody()))
                .isEqualTo(status);
        if (by == By.ENDPOINT) {
            assertThat(response.getResponseBody()).as("body for %s", input).contains("\"message\"").contains(message)
                    .contains("\"status\":400").contains("\"error\":\"Bad Request\"");
            assertThat(response.getResponseBody().length()).as("length of the answer to %s", input).isLessThan(1000);
        }
        assertThat(this.events.options()).as("options after %s", input).isEqualTo(before);
        this.client.get().uri("/actuator/tidefall/events").exchange().expectStatus().isOk();
        assertThat(this.events.bufferSize()).as("elements still buffered after %s", input).isGreaterThanOrEqualTo(buffered.size());
        this.events.flush();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(this.sink.received).containsAll(buffered));
    }

    private static String abbreviate(@Nullable String body) {
        return body == null || body.length() < 300 ? body : body.substring(0, 300) + "...";
    }

    private static Arguments row(String input, String contentType, String body, int status, By by, @Nullable String message) {
        return row(input, contentType, body, "", status, by, message);
    }

    private static Arguments row(String input, String contentType, String body, String query, int status, By by,
            @Nullable String message) {
        return arguments(input, new Request(contentType, body, query), status, by, message);
    }

    /** A request to send; {@code toString} keeps huge bodies out of test names. */
    record Request(String contentType, String body, String query) {

        @Override
        public String toString() {
            return this.contentType + " " + abbreviate(this.body) + this.query;
        }
    }
}

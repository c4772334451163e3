package io.tidefall.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.client.RestTestClient;

import io.tidefall.Buffer;
import io.tidefall.BufferOptions;
import io.tidefall.FlushResult;
import io.tidefall.OverflowPolicy;
import io.tidefall.spring.TidefallBuffers;

/**
 * The whole service over HTTP against a real database: page views and heartbeats go in through the
 * API, the buffers drain them into the tables, and the API reads them back. Each database has a
 * subclass ({@link H2IngestionTests}, {@link PostgresIngestionTests}) that runs this same flow.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
abstract class IngestionFlowTests {

    @Autowired
    RestTestClient http;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    TidefallBuffers buffers;

    /**
     * Every test starts with empty tables, and with empty buffers: tidefall-spring-boot-test
     * flushes every buffer after each test.
     */
    @BeforeEach
    void startEmpty() {
        this.jdbc.update("delete from page_views");
        this.jdbc.update("delete from user_presence");
    }

    @Test
    void pageViewsAndHeartbeatsBecomeRowsAndEachUserKeepsItsNewestHeartbeat() throws Exception {
        // 1,000 page views in 10 requests: 9 arrays of 111, and one single page view.
        for (int request = 0; request < 9; request++) {
            int first = request * 111;
            String array = IntStream.range(first, first + 111)
                    .mapToObj(i -> pageView("user-" + (i % 50), "/page/" + i))
                    .collect(Collectors.joining(",", "[", "]"));
            send(HttpMethod.POST, "/events", array).expectStatus().isAccepted()
                    .expectBody().jsonPath("$.accepted").isEqualTo(111);
        }
        send(HttpMethod.POST, "/events", pageView("user-0", "/page/999")).expectStatus().isAccepted()
                .expectBody().jsonPath("$.accepted").isEqualTo(1);

        // 400 heartbeats for 50 users, 8 each, shuffled and sent from 4 threads, so that older
        // heartbeats often arrive after newer ones, within one drain and across drains.
        List<Callable<Void>> heartbeats = new ArrayList<>();
        for (int user = 0; user < 50; user++) {
            for (int beat = 0; beat < 8; beat++) {
                String uri = "/presence/user-" + user;
                String body = heartbeat(beat);
                heartbeats.add(() -> {
                    send(HttpMethod.PUT, uri, body).expectStatus().isAccepted();
                    return null;
                });
            }
        }
        Collections.shuffle(heartbeats, new Random(42));
        sendConcurrently(heartbeats);

        // every request has been answered: what the ticks have not drained yet, the flush does, and
        // it waits for the drains in flight, so the tables are complete when it returns
        Map<String, FlushResult> flushed = this.buffers.flushAll();
        assertThat(flushed.values()).allSatisfy(result -> assertThat(result).extracting(FlushResult::failed, FlushResult::pending)
                .containsExactly(0L, 0L));
        assertThat(stats()).isEqualTo(new IngestionController.Stats(1000, 50));
        assertThat(this.jdbc.queryForObject("select count(*) from user_presence where status = 'beat-7' and seen_at = ?",
                Long.class, at(7))).as("users holding their newest heartbeat").isEqualTo(50);

        assertThat(this.jdbc.queryForObject("select count(distinct path) from page_views", Long.class))
                .as("every page view stored once").isEqualTo(1000);
        for (int user = 0; user < 50; user++) {
            this.http.get().uri("/presence/user-" + user).exchange()
                    .expectStatus().isOk()
                    .expectBody(PresenceStore.PresenceView.class)
                    .isEqualTo(new PresenceStore.PresenceView("user-" + user, "beat-7", at(7)));
        }
    }

    /**
     * The buffer keeps the newest heartbeat per user within one drain only: a later drain may carry an
     * older heartbeat. The upsert itself must refuse it.
     */
    @Test
    void anOlderHeartbeatInALaterDrainNeverOverwritesTheStoredRow() {
        send(HttpMethod.PUT, "/presence/ann", heartbeat("online", 2000)).expectStatus().isAccepted();
        drainNow("presence");
        assertStored("ann", "online", 2000);

        send(HttpMethod.PUT, "/presence/ann", heartbeat("offline", 1000)).expectStatus().isAccepted()
                .expectBody().jsonPath("$.buffered").isEqualTo(true); // a fresh table takes it
        drainNow("presence");
        assertStored("ann", "online", 2000);

        send(HttpMethod.PUT, "/presence/ann", heartbeat("away", 2000)).expectStatus().isAccepted();
        drainNow("presence");
        assertStored("ann", "online", 2000); // the same version does not win either

        send(HttpMethod.PUT, "/presence/ann", heartbeat("away", 3000)).expectStatus().isAccepted();
        drainNow("presence");
        assertStored("ann", "away", 3000);
    }

    @Test
    void withinOneDrainOnlyTheNewestHeartbeatIsBuffered() {
        Buffer presence = this.buffers.get("presence");
        Duration configured = presence.options().processingInterval();
        presence.updateOptions(options -> options.withProcessingInterval(Duration.ofHours(1))); // no tick in between
        try {
            send(HttpMethod.PUT, "/presence/bob", heartbeat("online", 5000)).expectStatus().isAccepted()
                    .expectBody().jsonPath("$.buffered").isEqualTo(true);
            send(HttpMethod.PUT, "/presence/bob", heartbeat("offline", 4000)).expectStatus().isAccepted()
                    .expectBody().jsonPath("$.buffered").isEqualTo(false);
            drainNow("presence");
            assertStored("bob", "online", 5000);
        } finally {
            presence.updateOptions(options -> options.withProcessingInterval(configured));
        }
    }

    @Test
    void aFullBufferAnswers503AndSaysHowManyPageViewsItAccepted() {
        Buffer events = this.buffers.get("events");
        BufferOptions configured = events.options();
        events.updateOptions(options -> options.withProcessingInterval(Duration.ofHours(1)).withoutDrainThreshold()
                .withCapacity(1).withOverflow(OverflowPolicy.FAIL));
        try {
            // Each table holds one page view and drains the moment it is filled, one drain per partition at a
            // time: a request of 10,000 outruns the inserts (each a transaction) long before its end.
            String many = java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> pageView("u" + i, "/p"))
                    .collect(java.util.stream.Collectors.joining(",", "[", "]"));
            Map<String, Object> answer = send(HttpMethod.POST, "/events", many)
                    .expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectHeader().valueEquals("Retry-After", "1")
                    .expectBody(new ParameterizedTypeReference<Map<String, Object>>() { })
                    .returnResult().getResponseBody();
            assertThat(answer).isNotNull().containsKeys("accepted", "message");
            int accepted = (Integer) answer.get("accepted");
            assertThat(accepted).isBetween(1, 9_999);
            assertThat((String) answer.get("message"))
                    .contains("buffer is full", "accepted the first " + accepted + " of 10000");

            drainNow("events");
            assertThat(stats().pageViews()).as("exactly what the answer says was accepted").isEqualTo(accepted);
        } finally {
            events.updateOptions(options -> configured);
        }
    }

    @Test
    void aUserWithoutStoredHeartbeatIsNotFound() {
        this.http.get().uri("/presence/nobody").exchange().expectStatus().isNotFound();
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of(HttpMethod.POST, "/events", "{\"user\":\"u1\",\"path\":", "the body is not valid JSON"),
                Arguments.of(HttpMethod.POST, "/events", "", "the body is missing"),
                Arguments.of(HttpMethod.POST, "/events", "{\"path\":\"/home\"}", "user is missing"),
                Arguments.of(HttpMethod.POST, "/events", "{\"user\":\"u1\"}", "path is missing"),
                Arguments.of(HttpMethod.POST, "/events", "{\"user\":\"  \",\"path\":\"/home\"}", "user is \"  \": it must be a non-blank string"),
                Arguments.of(HttpMethod.POST, "/events", "{\"user\":7,\"path\":\"/home\"}", "user is 7"),
                Arguments.of(HttpMethod.POST, "/events", "42", "must be a JSON object"),
                // the first page view is fine, the second is not: neither is buffered
                Arguments.of(HttpMethod.POST, "/events", "[" + pageView("u1", "/ok") + ",{\"user\":\"u2\"}]", "[1].path is missing"),
                Arguments.of(HttpMethod.POST, "/events", pageView("u".repeat(101), "/home"), "user is 101 characters long"),
                Arguments.of(HttpMethod.PUT, "/presence/u1", "{\"status\":", "the body is not valid JSON"),
                Arguments.of(HttpMethod.PUT, "/presence/u1", "{\"at\":1}", "status is missing"),
                Arguments.of(HttpMethod.PUT, "/presence/u1", "{\"status\":\"online\"}", "at is missing"),
                Arguments.of(HttpMethod.PUT, "/presence/u1", "{\"status\":\"online\",\"at\":\"soon\"}", "at is \"soon\""),
                Arguments.of(HttpMethod.PUT, "/presence/u1", "{\"status\":\"online\",\"at\":-1}", "at is -1"),
                Arguments.of(HttpMethod.PUT, "/presence/u1", "{\"status\":\"\",\"at\":1}", "status is \"\""),
                Arguments.of(HttpMethod.PUT, "/presence/u1", "[" + heartbeat("online", 1) + "]", "the body must be a JSON object"),
                Arguments.of(HttpMethod.PUT, "/presence/{user}", heartbeat("online", 1), "user (in the path) must not be blank"));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("badRequests")
    void badRequestsAreRefusedWithAMessageNamingTheFieldAndBufferNothing(HttpMethod method, String uri, String body,
            String message) {
        send(method, uri, body).expectStatus().isEqualTo(HttpStatus.BAD_REQUEST)
                .expectBody().jsonPath("$.message").value(String.class, actual -> assertThat(actual).contains(message));

        assertThat(this.buffers.all()).allSatisfy(buffer -> assertThat(buffer.bufferSize()).isZero());
        this.buffers.flushAll(); // whatever a tick might have taken is stored now
        assertThat(stats()).isEqualTo(new IngestionController.Stats(0, 0));
    }

    static void sendConcurrently(List<Callable<Void>> requests) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            for (Future<Void> sent : clients.invokeAll(requests)) {
                sent.get(); // rethrows a failed expectation
            }
        } finally {
            clients.shutdownNow();
        }
    }

    RestTestClient.ResponseSpec send(HttpMethod method, String uri, String json) {
        // the one template variable of these URIs, if any, is a blank user name
        return this.http.method(method).uri(uri, " ").contentType(MediaType.APPLICATION_JSON).body(json).exchange();
    }

    IngestionController.Stats stats() {
        return this.http.get().uri("/stats").exchange().expectStatus().isOk()
                .expectBody(IngestionController.Stats.class).returnResult().getResponseBody();
    }

    String databaseProduct() {
        return this.jdbc.execute((ConnectionCallback<String>) connection -> connection.getMetaData().getDatabaseProductName());
    }

    void drainNow(String buffer) {
        this.buffers.get(buffer).flush();
    }

    void assertStored(String user, String status, long at) {
        this.http.get().uri("/presence/" + user).exchange().expectStatus().isOk()
                .expectBody(PresenceStore.PresenceView.class)
                .isEqualTo(new PresenceStore.PresenceView(user, status, at));
    }

    static String pageView(String user, String path) {
        return "{\"user\":\"" + user + "\",\"path\":\"" + path + "\"}";
    }

    static long at(int beat) {
        return 1_732_600_000_000L + beat * 1000L;
    }

    static String heartbeat(int beat) {
        return heartbeat("beat-" + beat, at(beat));
    }

    static String heartbeat(String status, long at) {
        return "{\"status\":\"" + status + "\",\"at\":" + at + "}";
    }
}

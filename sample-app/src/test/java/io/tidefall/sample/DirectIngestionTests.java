package io.tidefall.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.web.servlet.client.RestTestClient;

/**
 * {@code sample.ingestion=direct}: the service without a buffer. Every write is in the database
 * when its request answers, so these tests read the tables right after each answer, without
 * waiting; the buffered controller must be absent, or both would claim the same paths.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.ingestion=direct")
@AutoConfigureRestTestClient
class DirectIngestionTests {

    @Autowired
    RestTestClient http;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ApplicationContext context;

    @BeforeEach
    void startEmpty() {
        this.jdbc.update("delete from page_views");
        this.jdbc.update("delete from user_presence");
    }

    @Test
    void onlyTheDirectControllerServes() {
        assertThat(this.context.getBeanNamesForType(IngestionController.class)).isEmpty();
        assertThat(this.context.getBeanNamesForType(DirectIngestionController.class)).hasSize(1);
    }

    @Test
    void pageViewsAreRowsWhenTheRequestAnswers() {
        post("/events", "[{\"user\":\"ann\",\"path\":\"/a\"},{\"user\":\"bob\",\"path\":\"/b\"}]")
                .expectStatus().isOk().expectBody().jsonPath("$.stored").isEqualTo(2);
        assertThat(this.jdbc.queryForObject("select count(*) from page_views", Long.class)).isEqualTo(2);

        post("/events", "{\"user\":\"ann\",\"path\":\"/c\"}").expectStatus().isOk();
        assertThat(this.jdbc.queryForObject("select count(*) from page_views", Long.class)).isEqualTo(3);
    }

    @Test
    void aBadElementStoresNothingOfItsRequest() {
        post("/events", "[{\"user\":\"ann\",\"path\":\"/a\"},{\"user\":\"bob\"}]")
                .expectStatus().isBadRequest().expectBody().jsonPath("$.message").isEqualTo(
                        "[1].path is missing: it must be a non-blank string");
        assertThat(this.jdbc.queryForObject("select count(*) from page_views", Long.class)).isZero();
    }

    @Test
    void eachHeartbeatIsUpsertedWhenTheRequestAnswersAndAnOlderOneNeverWins() {
        put("/presence/ann", "{\"status\":\"online\",\"at\":2000}").expectStatus().isOk();
        assertThat(status("ann")).isEqualTo("online");
        put("/presence/ann", "{\"status\":\"offline\",\"at\":1000}").expectStatus().isOk();
        assertThat(status("ann")).isEqualTo("online");
        put("/presence/ann", "{\"status\":\"away\",\"at\":3000}").expectStatus().isOk();
        assertThat(status("ann")).isEqualTo("away");
        this.http.get().uri("/presence/ann").exchange().expectStatus().isOk().expectBody().jsonPath("$.at").isEqualTo(3000);
    }

    private String status(String user) {
        return this.jdbc.queryForObject("select status from user_presence where user_id = ?", String.class, user);
    }

    private RestTestClient.ResponseSpec post(String uri, String json) {
        return this.http.post().uri(uri).contentType(MediaType.APPLICATION_JSON).body(json).exchange();
    }

    private RestTestClient.ResponseSpec put(String uri, String json) {
        return this.http.put().uri(uri).contentType(MediaType.APPLICATION_JSON).body(json).exchange();
    }
}

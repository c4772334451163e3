package io.tidefall.spring.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

import io.tidefall.BufferOptions;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The health of a buffer whose processor keeps failing: UP with details at first, DOWN past the threshold, UP once it delivers. */
class TidefallHealthRetryingTests {

    private final AtomicBoolean databaseDown = new AtomicBoolean(true);

    private final TidefallQueue<String> events = TidefallQueue.<String>builder("events")
            .processor(batch -> {
                if (this.databaseDown.get()) {
                    throw new CannotGetJdbcConnectionException("no connection", new java.sql.SQLException("refused", "08001",
                            new java.net.ConnectException("Connection refused")));
                }
            })
            .partitions(2)
            .options(BufferOptions.defaults().withProcessingInterval(Duration.ofHours(1))
                    .withRetryBackoff(Duration.ofMillis(10)).withRetryBackoffMax(Duration.ofMillis(50)))
            .build();

    private final SettableClock clock = new SettableClock();

    private final TidefallHealthIndicator indicator = new TidefallHealthIndicator(TidefallBuffers.of(this.events), this.clock,
            Duration.ofSeconds(30));

    @AfterEach
    void close() {
        this.databaseDown.set(false);
        this.events.close();
    }

    @Test
    void downOnceAPartitionRetriesLongerThanTheThresholdAndUpAgainWhenItDelivers() {
        this.events.start();
        this.events.push("a");
        this.events.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> retryingSince() != null);
        Instant since = retryingSince();
        int partition = this.events.stats(0).retrying() ? 0 : 1;

        this.clock.now = since.plusSeconds(5);
        Health early = this.indicator.health(true);
        assertThat(early.getStatus()).as("a short outage is not worth a DOWN").isEqualTo(Status.UP);
        assertThat(retrying(early)).containsOnlyKeys(partition);
        assertThat(retrying(early).get(partition)).containsEntry("since", since.toString()).containsEntry("for", "5s")
                .containsEntry("error", CannotGetJdbcConnectionException.class.getName())
                .containsEntry("rootCause", java.net.ConnectException.class.getName());

        this.clock.now = since.plusSeconds(31);
        Health late = this.indicator.health(true);
        assertThat(late.getStatus()).isEqualTo(Status.DOWN);
        assertThat(detail(late).get("problem").toString()).startsWith("retrying a failed chunk since " + since)
                .contains("longer than 30s");

        this.databaseDown.set(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> retryingSince() == null);
        Health recovered = this.indicator.health(true);
        assertThat(recovered.getStatus()).isEqualTo(Status.UP);
        assertThat(detail(recovered)).doesNotContainKey("retrying").doesNotContainKey("problem");
    }

    private Instant retryingSince() {
        Instant first = this.events.stats(0).retryingSince();
        return first != null ? first : this.events.stats(1).retryingSince();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(Health health) {
        return (Map<String, Object>) health.getDetails().get("events");
    }

    @SuppressWarnings("unchecked")
    private static Map<Integer, Map<String, Object>> retrying(Health health) {
        return (Map<Integer, Map<String, Object>>) detail(health).get("retrying");
    }

    private static final class SettableClock extends Clock {

        volatile Instant now = Instant.now();

        @Override
        public Instant instant() {
            return this.now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}

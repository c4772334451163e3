package io.tidefall.spring.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.tidefall.Buffer;
import io.tidefall.BufferListener.FailureReason;
import io.tidefall.BufferOptions;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.deadletter.DeadLetterBacklog;
import io.tidefall.spring.deadletter.DeadLetters;
import io.tidefall.spring.deadletter.ReplayResult;

import static org.assertj.core.api.Assertions.assertThat;

class TidefallHealthIndicatorTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private final TidefallQueue<String> events = TidefallQueue.<String>builder("events")
            .processor(batch -> { })
            .partitions(2)
            .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofSeconds(10)))
            .build();

    private final TidefallHealthIndicator indicator = new TidefallHealthIndicator(TidefallBuffers.of(this.events),
            this.clock);

    @AfterEach
    void close() {
        this.events.close();
    }

    @Test
    void upWithDetailsWhileEveryBufferRuns() {
        this.events.start();
        this.events.push("a");
        Health health = this.indicator.health(true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(detail(health)).containsEntry("running", true).containsEntry("bufferSize", 1L)
                .containsEntry("draining", Map.of()).doesNotContainKey("lastFailure");
    }

    @Test
    void downWhenABufferIsNotRunning() {
        Health health = this.indicator.health(true);
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(detail(health)).containsEntry("running", false).containsEntry("problem", "not running");
    }

    @Test
    void aDrainInFlightIsShownWithItsAge() {
        this.events.start();
        this.indicator.drainStarted("events", 1, 5);
        this.clock.advance(Duration.ofSeconds(5));
        Health inTime = this.indicator.health(true);
        assertThat(inTime.getStatus()).isEqualTo(Status.UP);
        assertThat(detail(inTime)).containsEntry("draining", Map.of(1, "5s"));
        this.indicator.drainCompleted("events", 1, 5, 0, false, Duration.ofSeconds(5));
        assertThat(detail(this.indicator.health(true))).containsEntry("draining", Map.of());
    }

    @Test
    void agesAreShownForReadingNotInNanoseconds() {
        this.events.start();
        this.indicator.drainStarted("events", 0, 5);
        this.clock.advance(Duration.ofNanos(3_024_682_653L));
        assertThat(detail(this.indicator.health(true))).containsEntry("draining", Map.of(0, "3s"));
    }

    @Test
    void downWhileAProcessorCallThatTimedOutHasNotReturned() {
        java.util.concurrent.CountDownLatch unstick = new java.util.concurrent.CountDownLatch(1);
        TidefallQueue<String> stubborn = TidefallQueue.<String>builder("stubborn")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofMillis(50)))
                .processor(batch -> {
                    while (unstick.getCount() > 0) { // deaf to the timeout's interrupt
                        try {
                            unstick.await();
                        }
                        catch (InterruptedException ignored) {
                            // carries on regardless
                        }
                    }
                })
                .build();
        TidefallHealthIndicator stubbornHealth = new TidefallHealthIndicator(TidefallBuffers.of(stubborn), this.clock);
        stubborn.start();
        stubborn.push("a");
        stubborn.flush(); // returns at the timeout; the processor call is still running

        Health health = stubbornHealth.health(true);
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(detail(health, "stubborn")).containsEntry("stuck", Map.of(0, "a step of its drain ran past processingTimeout and has not returned"));

        unstick.countDown();
        org.awaitility.Awaitility.await().until(() -> stubbornHealth.health(true).getStatus().equals(Status.UP));
        stubborn.close();
    }

    @Test
    void reportsTheLastFailureWithoutItsMessage() {
        this.events.start();
        this.indicator.drainFailed("events", 0, 3, new IllegalStateException("secret"), FailureReason.EXCEPTION);
        this.clock.advance(Duration.ofSeconds(1));
        this.indicator.drainFailed("events", 1, 4, new java.util.concurrent.TimeoutException("late"),
                FailureReason.TIMEOUT);
        Health health = this.indicator.health(true);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(detail(health).get("lastFailure")).isEqualTo(Map.of("at", "2026-01-01T00:00:01Z", "partition", 1,
                "elements", 4, "reason", "timeout", "error", "java.util.concurrent.TimeoutException"));
    }

    @Test
    void hearsRealDrainFailures() {
        TidefallQueue<String> failing = TidefallQueue.<String>builder("failing")
                .processor(batch -> {
                    throw new IllegalStateException("boom");
                })
                .partitions(1)
                .options(io.tidefall.BufferOptions.defaults().withProcessingRetries(0))
                .build();
        TidefallHealthIndicator indicator = new TidefallHealthIndicator(TidefallBuffers.of(failing));
        failing.addListener(indicator);
        try {
            failing.start();
            failing.push("a");
            failing.flush();
            Map<?, ?> detail = (Map<?, ?>) indicator.health(true).getDetails().get("failing");
            @SuppressWarnings("unchecked")
            Map<String, Object> lastFailure = (Map<String, Object>) detail.get("lastFailure");
            assertThat(lastFailure).containsEntry("reason", "exception")
                    .containsEntry("elements", 1).containsEntry("error", "java.lang.IllegalStateException");
        } finally {
            failing.close();
        }
    }

    @Test
    void downWhileDeadLettersWaitNamingTheirCountAgeAndLastProbe() {
        this.events.start();
        DeadLetterBacklog.Probe probe = new DeadLetterBacklog.Probe(Instant.parse("2026-01-01T00:00:20Z"),
                "failed: the buffer retries what the sink refuses", Instant.parse("2026-01-01T00:00:22Z"));
        DeadLetters letters = new DeadLetters() {
            @Override
            public long count(String buffer) {
                return 499;
            }

            @Override
            public DeadLetterBacklog backlog(String buffer) {
                return new DeadLetterBacklog(buffer, 499, Instant.parse("2026-01-01T00:00:00Z"), probe);
            }

            @Override
            public ReplayResult replay(Buffer buffer) {
                throw new UnsupportedOperationException();
            }
        };
        TidefallHealthIndicator withLetters = new TidefallHealthIndicator(TidefallBuffers.of(this.events), letters, this.clock,
                Duration.ofSeconds(30));
        this.clock.advance(Duration.ofSeconds(90));

        Health health = withLetters.health(true);

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(detail(health)).containsEntry("deadLetters", Map.of("count", 499L, "oldest", "2026-01-01T00:00:00Z",
                "age", "90s", "lastProbe", Map.of("at", "2026-01-01T00:00:20Z", "outcome", probe.outcome(),
                        "next", "2026-01-01T00:00:22Z")));
        assertThat((String) detail(health).get("problem")).contains("499 dead-lettered element(s) wait");
    }

    @Test
    void aDrainHoldingElementsPastTheThresholdIsDownAndCountedInTheBufferSize() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        TidefallQueue<String> slow = TidefallQueue.<String>builder("slow")
                .partitions(1)
                .options(BufferOptions.defaults().withProcessingTimeout(Duration.ofMinutes(5)))
                .processor(batch -> release.await())
                .build();
        TidefallHealthIndicator health = new TidefallHealthIndicator(TidefallBuffers.of(slow), this.clock);
        slow.addListener(health);
        try {
            slow.start();
            slow.push("a");
            slow.push("b");
            Thread flusher = new Thread(slow::flush);
            flusher.setDaemon(true);
            flusher.start();
            org.awaitility.Awaitility.await().until(() -> slow.stats(0).draining());
            slow.push("c");

            Health young = health.health(true);
            assertThat(young.getStatus()).isEqualTo(Status.UP);
            assertThat(detail(young, "slow")).containsEntry("bufferSize", 3L).containsEntry("inWriteTables", 1L)
                    .containsEntry("inDrains", 2L);

            this.clock.advance(Duration.ofSeconds(31));
            Health old = health.health(true);
            assertThat(old.getStatus()).isEqualTo(Status.DOWN);
            assertThat((String) detail(old, "slow").get("problem")).contains("2 element(s) in drains in flight since");
        } finally {
            release.countDown();
            slow.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(Health health) {
        return detail(health, "events");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> detail(Health health, String buffer) {
        return (Map<String, Object>) health.getDetails().get(buffer);
    }

    private static final class MutableClock extends Clock {

        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            this.now = this.now.plus(duration);
        }

        @Override
        public Instant instant() {
            return this.now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}

package io.tidefall.spring.deadletter;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.util.unit.DataSize;

import io.tidefall.BufferOptions;
import io.tidefall.FailedBatch;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Dead letters are delivered without a person: the healer probes the sink with the oldest batch
 * while it refuses writes, backs off, and replays everything once a probe goes through.
 */
class DeadLetterHealerTests {

    @TempDir
    Path directory;

    private final AtomicBoolean sinkUp = new AtomicBoolean(false);
    private final Set<String> delivered = ConcurrentHashMap.newKeySet();
    private final TestClock clock = new TestClock();
    private TidefallQueue<Object> events;

    @AfterEach
    void close() {
        if (this.events != null) {
            this.events.close();
        }
    }

    @Test
    void probesWhileTheSinkRefusesAndReplaysEverythingOnceItTakesWritesAgain() throws Exception {
        DeadLetterStore store = new DeadLetterStore(this.directory, DataSize.ofMegabytes(1), JsonMapper.builder().build(),
                getClass().getClassLoader());
        for (int batch = 0; batch < 5; batch++) {
            store.handle(new FailedBatch<>("events", 0, new ArrayList<>(ids(batch * 10, batch * 10 + 10)),
                    new TimeoutException("database down")));
        }
        this.events = TidefallQueue.builder("events").partitions(1)
                .options(BufferOptions.defaults().withProcessingInterval(Duration.ofHours(1))
                        .withRetryBackoff(Duration.ofMillis(10)).withRetryBackoffMax(Duration.ofMillis(20)))
                .processor(batch -> {
                    if (!this.sinkUp.get()) {
                        throw new IllegalStateException("database down");
                    }
                    batch.forEach(element -> this.delivered.add((String) element));
                })
                .build();
        this.events.start();
        DeadLetterHealer healer = new DeadLetterHealer(store, new TidefallBuffers(() -> java.util.stream.Stream.of(this.events)),
                Duration.ofSeconds(1), Duration.ofSeconds(4), this.clock);

        // The first probe: the oldest batch goes back into the buffer, and the sink refuses it.
        healer.check();
        assertThat(store.count("events")).as("the oldest batch is the probe").isEqualTo(40);
        assertThat(store.backlog("events").lastProbe().outcome()).startsWith("probing with 10");
        flushInBackground();
        await().until(() -> this.events.stats(0).retrying());
        healer.check();
        DeadLetterBacklog.Probe failed = store.backlog("events").lastProbe();
        assertThat(failed.outcome()).startsWith("failed");
        assertThat(failed.next()).isEqualTo(this.clock.instant().plusSeconds(1));

        // Not due yet: nothing happens; due while the buffer still retries: a failed probe, the pause doubles.
        healer.check();
        assertThat(store.count("events")).isEqualTo(40);
        this.clock.advance(Duration.ofSeconds(1));
        healer.check();
        assertThat(store.backlog("events").lastProbe().next()).isEqualTo(this.clock.instant().plusSeconds(2));
        assertThat(this.delivered).isEmpty();

        // The sink is back: the buffer delivers its probe, and the next due check replays the rest.
        this.sinkUp.set(true);
        await().until(() -> !this.events.stats(0).retrying() && this.delivered.size() == 10);
        this.clock.advance(Duration.ofSeconds(2));
        healer.check(); // probes with the next batch
        assertThat(store.count("events")).isEqualTo(30);
        this.events.flush();
        healer.check(); // the probe went through: everything is replayed
        assertThat(store.backlog("events").lastProbe().outcome()).startsWith("delivered").contains("replayed 30");
        this.events.flush();

        assertThat(store.count("events")).isZero();
        assertThat(store.backlog("events").oldest()).isNull();
        assertThat(this.delivered).containsExactlyInAnyOrderElementsOf(ids(0, 50));
    }

    @Test
    void aBufferWithoutDeadLettersIsLeftAlone() throws Exception {
        DeadLetterStore store = new DeadLetterStore(this.directory, DataSize.ofMegabytes(1), JsonMapper.builder().build(),
                getClass().getClassLoader());
        this.events = TidefallQueue.builder("events").partitions(1).processor(batch -> { }).build();
        this.events.start();
        DeadLetterHealer healer = new DeadLetterHealer(store, new TidefallBuffers(() -> java.util.stream.Stream.of(this.events)),
                Duration.ofSeconds(1), Duration.ofSeconds(4), this.clock);

        healer.check();

        assertThat(store.backlog("events").lastProbe()).isNull();
    }

    private void flushInBackground() {
        Thread flusher = new Thread(this.events::flush, "flush");
        flusher.setDaemon(true);
        flusher.start();
    }

    private static List<String> ids(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "view-" + i).toList();
    }

    /** A clock that moves only when told. */
    private static final class TestClock extends Clock {
        private volatile Instant now = Instant.parse("2026-12-05T12:00:00Z");

        void advance(Duration duration) {
            this.now = this.now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return this.now;
        }
    }
}

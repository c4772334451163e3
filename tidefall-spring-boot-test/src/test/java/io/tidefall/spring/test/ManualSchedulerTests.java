package io.tidefall.spring.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

import io.tidefall.TidefallQueue;
import io.tidefall.FlushResult;
import io.tidefall.spring.TidefallBuffers;

import static org.assertj.core.api.Assertions.assertThat;

/** Ticks happen when the test moves the clock, and only then. */
@SpringBootTest(classes = TestApplication.class, properties = {
        "tidefall.buffers.events.processor=received", "tidefall.buffers.events.processing-interval=5s",
        "tidefall.buffers.events.partitions=1" })
@Import(ManualScheduler.class)
@DirtiesContext
class ManualSchedulerTests {

    @Autowired
    @Qualifier("events")
    TidefallQueue<String> events;

    @Autowired
    TestApplication.Received received;

    @Autowired
    ManualScheduler scheduler;

    @Autowired
    TidefallBuffers buffers;

    @Test
    void drainsOnTheTickTheTestRuns() {
        this.events.push("one");
        this.scheduler.advance(Duration.ofMillis(4999));
        assertThat(this.events.stats(0).drains()).isZero();
        assertThat(this.received.elements).isEmpty();

        this.scheduler.advance(Duration.ofMillis(1));
        FlushResult waited = this.buffers.flushAll().get("events");

        assertThat(this.received.elements).containsExactly("one");
        assertThat(this.events.stats(0).drains()).as("the tick drained, not the flush").isEqualTo(1);
        assertThat(waited.failed()).isZero();
        assertThat(this.scheduler.pendingDelays()).contains(Duration.ofSeconds(5));
    }
}

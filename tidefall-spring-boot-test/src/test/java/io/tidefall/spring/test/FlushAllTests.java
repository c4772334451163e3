package io.tidefall.spring.test;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;

import io.tidefall.TidefallQueue;
import io.tidefall.FlushResult;
import io.tidefall.spring.TidefallBuffers;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code flushAll()} says per buffer what it delivered and what failed. */
@SpringBootTest(classes = TestApplication.class, properties = {
        "tidefall.buffers.events.processor=received", "tidefall.buffers.events.processing-interval=1h",
        "tidefall.buffers.events.partitions=1", "tidefall.buffers.events.processing-batch-size=table",
        "tidefall.buffers.events.processing-retries=0" })
class FlushAllTests {

    @Autowired
    @Qualifier("events")
    TidefallQueue<String> events;

    @Autowired
    TestApplication.Received received;

    @Autowired
    TidefallBuffers buffers;

    @Test
    void countsWhatWasDelivered() {
        this.events.push("a");
        this.events.push("b");
        this.events.push("c");

        Map<String, FlushResult> outcomes = this.buffers.flushAll();

        assertThat(outcomes).containsOnlyKeys("events");
        assertThat(outcomes.get("events")).isEqualTo(new FlushResult(3, 0, 0));
        assertThat(this.received.elements).contains("a", "b", "c");
    }

    @Test
    void countsWhatFailed() {
        this.events.push("poison");
        this.events.push("x");

        FlushResult outcome = this.buffers.flushAll().get("events");

        assertThat(outcome).isEqualTo(new FlushResult(0, 2, 0));
        assertThat(outcome.isComplete()).isFalse();
    }

    @Test
    void aBufferWithNothingToDrainDeliversNothing() {
        assertThat(this.buffers.flushAll()).containsEntry("events", new FlushResult(0, 0, 0));
    }
}

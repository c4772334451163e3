package io.tidefall.spring.test;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;

import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a test writes and does not flush reaches the processor when that test ends: the next test
 * sharing the context finds it delivered, not still buffered. Ticks never drain here (one hour).
 */
@SpringBootTest(classes = TestApplication.class, properties = {
        "tidefall.buffers.events.processor=received", "tidefall.buffers.events.processing-interval=1h" })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FlushAfterEachTestTests {

    @Autowired
    @Qualifier("events")
    TidefallQueue<String> events;

    @Autowired
    TestApplication.Received received;

    @Test
    @Order(1)
    void writesWithoutFlushing() {
        this.events.push("written by the first test");
        assertThat(this.received.elements).isEmpty();
        assertThat(this.events.bufferSize()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void findsTheFirstTestsWriteDeliveredAndNothingBuffered() {
        assertThat(this.received.elements).containsExactly("written by the first test");
        assertThat(this.events.bufferSize()).isZero();
    }
}

package io.tidefall.spring.metrics;

import java.time.Duration;
import java.util.List;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.tidefall.BatchFailureHandler;
import io.tidefall.BatchProcessor;
import io.tidefall.BufferOptions;
import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spans the processor and the failure handler open (a JDBC or HTTP client would) are children of
 * the drain's span: both run inside the drain observation's scope.
 */
class TidefallTracingTests {

    private final SimpleTracer tracer = new SimpleTracer();

    private final ObservationRegistry registry = ObservationRegistry.create();

    private TidefallQueue<String> buffer;

    TidefallTracingTests() {
        this.registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(this.tracer));
    }

    @AfterEach
    void close() {
        if (this.buffer != null) {
            this.buffer.close();
        }
    }

    @Test
    void aSpanTheProcessorOpensIsAChildOfTheDrain() {
        start(batch -> inSpan("insert " + batch.size()), failed -> { });
        this.buffer.pushAll(List.of("a", "b"));
        this.buffer.flush();

        SimpleSpan drain = span("tidefall drain events");
        SimpleSpan insert = span("insert 2");
        assertThat(insert.getTraceId()).isEqualTo(drain.getTraceId());
        assertThat(insert.getParentId()).isEqualTo(drain.getSpanId());
        assertThat(this.tracer.currentSpan()).as("no scope left open on the test thread").isNull();
    }

    @Test
    void aSpanTheFailureHandlerOpensIsAChildOfTheDrain() {
        start(batch -> {
            throw new IllegalStateException("rejected");
        }, failed -> inSpan("dead-letter " + failed.elements().size()));
        this.buffer.push("poison");
        this.buffer.flush();

        SimpleSpan drain = span("tidefall drain events");
        SimpleSpan deadLetter = span("dead-letter 1");
        assertThat(deadLetter.getParentId()).isEqualTo(drain.getSpanId());
    }

    private void inSpan(String name) {
        Span span = this.tracer.nextSpan().name(name).start();
        span.end();
    }

    /** The span named {@code name} once it has ended: the drain's ends with the drain, just after the flush. */
    private SimpleSpan span(String name) {
        return await().atMost(Duration.ofSeconds(10)).until(() -> this.tracer.getSpans().stream()
                .filter(span -> name.equals(span.getName()) && span.getEndTimestamp().toEpochMilli() != 0).findFirst(),
                java.util.Optional::isPresent).get();
    }

    private void start(BatchProcessor<String> processor, BatchFailureHandler<String> failureHandler) {
        this.buffer = TidefallQueue.<String>builder("events").processor(processor).failureHandler(failureHandler)
                .retryPolicy(failure -> false).partitions(1).options(BufferOptions.defaults()).build();
        this.buffer.addListener(new TidefallObservations(this.registry));
        this.buffer.start();
    }
}

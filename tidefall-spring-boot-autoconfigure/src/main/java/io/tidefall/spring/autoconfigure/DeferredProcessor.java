package io.tidefall.spring.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.tidefall.BatchProcessor;
import io.tidefall.RetryPolicy;
import io.tidefall.spring.sink.Sink;

/**
 * The processor of a configured buffer, bound once every singleton exists. A processor bean often
 * injects the buffer it processes (a service that pushes events and stores them in batches), so
 * the buffer is built first and its processor resolved afterwards: no dependency cycle, and the
 * buffer does not drain before {@link ProcessorBinder} has bound and checked every processor.
 */
final class DeferredProcessor implements BatchProcessor<Object> {

    private final String buffer;
    private volatile @Nullable BatchProcessor<Object> target;
    private volatile @Nullable String description;

    DeferredProcessor(String buffer) {
        this.buffer = buffer;
    }

    @Override
    public void process(List<Object> batch) throws Exception {
        BatchProcessor<Object> processor = this.target;
        if (processor == null) {
            throw new IllegalStateException("Buffer '" + this.buffer + "' drained before its processor was bound;"
                    + " buffers drain only once the application context has started");
        }
        processor.process(batch);
    }

    void bind(BatchProcessor<Object> processor, String description) {
        this.target = processor;
        this.description = description;
    }

    /**
     * The buffer's retry policy: what the bound processor says about a failure when it is a
     * {@link Sink} that knows its own failures (Kafka's retriable errors, for one), else
     * {@code fallback}, the application's policy.
     */
    RetryPolicy retryPolicy(RetryPolicy fallback) {
        return failure -> {
            if (this.target instanceof Sink sink) {
                Boolean verdict = sink.isRetryable(failure);
                if (verdict != null) {
                    return verdict;
                }
            }
            return fallback.isRetryable(failure);
        };
    }

    boolean isBound() {
        return this.target != null;
    }

    @Override
    public String toString() {
        return this.description != null ? this.description : "unbound processor of buffer '" + this.buffer + "'";
    }
}

package io.tidefall.spring.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;

import org.springframework.kafka.core.KafkaTemplate;

import io.tidefall.Buffer;
import io.tidefall.TidefallHashMap;

/**
 * {@code sink.kafka}: sends every element of a chunk to one topic, then awaits every send within the
 * buffer's processing timeout; the chunk has passed when the broker has acknowledged each record
 * (as the template's producer asks: with Kafka's defaults, {@code acks=all} and an idempotent
 * producer). A hash-map's records are keyed by the map key; a queue's by the element property
 * {@code sink.kafka.key} names, or not at all.
 *
 * <p>Kafka's retriable errors (a broker that cannot be reached, a leader election, a send that timed
 * out) are retried; any other Kafka error (a record too large, a value that cannot be serialized,
 * an authorization failure) is permanent, so the engine narrows the chunk down to the elements it
 * fails on.
 *
 * <p>Thread-safe: the buffer's partitions call it concurrently. Its fields are final and set at
 * startup; each call awaits only the sends it made, and the template's producer is thread-safe.
 */
final class KafkaSink implements Sink {

    /** Limits the walk along a cause chain that loops back on itself. */
    private static final int MAX_CAUSES = 32;

    private final KafkaTemplate<Object, Object> template;
    private final String topic;
    private final Buffer buffer;
    private final @Nullable ElementProperty key;
    private final String description;

    KafkaSink(KafkaTemplate<Object, Object> template, String topic, Buffer buffer, @Nullable ElementProperty key,
            String description) {
        this.template = template;
        this.topic = topic;
        this.buffer = buffer;
        this.key = key;
        this.description = description;
    }

    @Override
    public void process(List<Object> batch) throws Exception {
        long deadline = System.nanoTime() + this.buffer.options().processingTimeout().toNanos();
        List<CompletableFuture<?>> sends = new ArrayList<>(batch.size());
        for (Object element : batch) {
            sends.add(send(element));
        }
        for (CompletableFuture<?> send : sends) {
            try {
                send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException failed) {
                Throwable cause = failed.getCause();
                throw cause instanceof Exception exception ? exception : failed;
            }
        }
    }

    private CompletableFuture<?> send(Object element) {
        if (element instanceof TidefallHashMap.Entry<?, ?> entry) {
            return this.template.send(this.topic, entry.key(), entry.value());
        }
        return this.template.send(this.topic, this.key != null ? this.key.read(element) : null, element);
    }

    @Override
    public @Nullable Boolean isRetryable(Throwable failure) {
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_CAUSES; depth++) {
            if (current instanceof RetriableException || current instanceof TimeoutException) {
                return true;
            }
            if (current instanceof ElementProperty.UnreadablePropertyException) {
                return false;
            }
            if (current instanceof KafkaException && !(current instanceof InterruptException)) {
                return false;
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return null;
    }

    @Override
    public String toString() {
        return this.description;
    }
}

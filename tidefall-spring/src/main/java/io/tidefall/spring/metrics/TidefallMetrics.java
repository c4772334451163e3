package io.tidefall.spring.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;

import org.jspecify.annotations.Nullable;

import io.tidefall.Buffer;
import io.tidefall.BufferListener;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.deadletter.DeadLetters;

/**
 * Turns the events of every buffer into meters, each tagged {@code buffer}:
 * <ul>
 *   <li>{@code tidefall.buffer.size} (gauge): every element the buffer holds that is not settled
 *       yet: in its write tables and in its drains in flight (during an outage, most are there);
 *   <li>{@code tidefall.buffer.draining} (gauge): the part of those in drains in flight;
 *   <li>{@code tidefall.dead.letters.pending} (gauge) and {@code tidefall.dead.letters.oldest.age}
 *       (time gauge), with a dead-letter store: the buffer's elements waiting there, and since when;
 *   <li>{@code tidefall.processing.elements} (counter, tag {@code outcome} = {@code success} |
 *       {@code failure} | {@code timeout} | {@code retried}): drained elements by what became of
 *       them; {@code retried} counts each offer of an element again after a failure (an element
 *       retried three times counts three), the sum of the partitions' {@code retried} counters;
 *   <li>{@code tidefall.elements.dropped} (counter, tag {@code reason}, e.g. {@code overflow}):
 *       elements discarded before reaching a write table;
 *   <li>{@code tidefall.failure.handler.errors} (counter): calls of the buffer's
 *       {@code BatchFailureHandler} that threw, so the elements they carried are lost for good;
 *   <li>{@code tidefall.delivery.latency} (timer): one sample per processor call that returned
 *       normally, from the moment its table opened to the return
 *       ({@link BufferListener#elementsDelivered}): an upper bound of the push-to-return time of
 *       every element of the call, retries included. Published with the percentiles 0.5, 0.95 and
 *       0.99 (as {@code tidefall.delivery.latency.percentile}, tag {@code phi}) and a percentile
 *       histogram for registries that aggregate one (Prometheus' {@code _bucket} series).
 * </ul>
 * The timer {@code tidefall.processing} comes from the drain observations
 * ({@link TidefallObservations}). A durable buffer has its journal's meters too
 * ({@code tidefall.journal.*}, {@link JournalMeters}).
 *
 * <p>Meters live as long as the registry: a buffer's meters are registered, at zero, when its
 * first partition starts, and stay after it closes, so that a push registry (OTLP, Datadog)
 * still publishes the counts of the final drain in its last step when it closes, after the
 * buffers. A buffer that starts again under the name of a closed one replaces that one's meters.
 */
public class TidefallMetrics implements BufferListener {

    /** Prefix of every Tidefall meter. */
    public static final String PREFIX = "tidefall.";
    public static final String BUFFER_SIZE = PREFIX + "buffer.size";
    public static final String BUFFER_DRAINING = PREFIX + "buffer.draining";
    public static final String DEAD_LETTERS_PENDING = PREFIX + "dead.letters.pending";
    public static final String DEAD_LETTERS_OLDEST_AGE = PREFIX + "dead.letters.oldest.age";
    public static final String PROCESSING = PREFIX + "processing";
    public static final String PROCESSING_ELEMENTS = PREFIX + "processing.elements";
    public static final String ELEMENTS_DROPPED = PREFIX + "elements.dropped";
    public static final String FAILURE_HANDLER_ERRORS = PREFIX + "failure.handler.errors";
    public static final String DELIVERY_LATENCY = PREFIX + "delivery.latency";
    public static final String TAG_BUFFER = "buffer";
    public static final String TAG_OUTCOME = "outcome";
    public static final String TAG_REASON = "reason";

    private final MeterRegistry registry;
    private final TidefallBuffers buffers;
    private final @Nullable DeadLetters deadLetters;
    /**
     * Partitions started and not yet stopped, per buffer with meters; 0 for a closed buffer whose
     * meters are kept. Written by the buffers' lifecycle threads, atomically per buffer name.
     */
    private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();

    public TidefallMetrics(MeterRegistry registry, TidefallBuffers buffers) {
        this(registry, buffers, null);
    }

    /** @param deadLetters the dead letters of every buffer, for their gauges; {@code null} without a store */
    public TidefallMetrics(MeterRegistry registry, TidefallBuffers buffers, @Nullable DeadLetters deadLetters) {
        this.registry = registry;
        this.buffers = buffers;
        this.deadLetters = deadLetters;
    }

    @Override
    public void partitionStarted(String buffer, int partition) {
        this.running.compute(buffer, (name, partitions) -> {
            if (partitions == null) {
                return register(name);
            }
            if (partitions.get() == 0) { // a new buffer of a closed one's name: its gauge must read the new one
                remove(name);
                return register(name);
            }
            return partitions;
        }).incrementAndGet();
    }

    @Override
    public void partitionStopped(String buffer, int partition) {
        this.running.computeIfPresent(buffer, (name, partitions) -> {
            partitions.updateAndGet(count -> Math.max(0, count - 1));
            return partitions;
        });
    }

    @Override
    public void drainCompleted(String buffer, int partition, int size, int failed, boolean timedOut, Duration duration) {
        elements(buffer, "success").increment(size - failed);
    }

    @Override
    public void drainFailed(String buffer, int partition, int size, Throwable cause, FailureReason reason) {
        elements(buffer, reason == FailureReason.TIMEOUT ? "timeout" : "failure").increment(size);
    }

    @Override
    public void chunkRetrying(String buffer, int partition, int size, int attempt, Throwable cause, Duration backoff) {
        elements(buffer, "retried").increment(size);
    }

    @Override
    public void elementsDelivered(String buffer, int partition, long count, Duration latency) {
        latency(buffer).record(latency);
    }

    private Timer latency(String buffer) {
        return Timer.builder(DELIVERY_LATENCY)
                .description("From the opening of a drained table to the return of a processor call that delivered "
                        + "its elements: an upper bound of their push-to-delivery time")
                .tag(TAG_BUFFER, buffer)
                .publishPercentiles(0.5, 0.95, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(this.registry);
    }

    @Override
    public void elementsDropped(String buffer, int partition, long count, String reason) {
        dropped(buffer, reason).increment(count);
    }

    private Counter dropped(String buffer, String reason) {
        return Counter.builder(ELEMENTS_DROPPED)
                .description("Elements discarded before reaching a write table")
                .baseUnit("elements")
                .tag(TAG_BUFFER, buffer)
                .tag(TAG_REASON, reason)
                .register(this.registry);
    }

    @Override
    public void failureHandlerFailed(String buffer, int partition, int size, Throwable cause) {
        handlerErrors(buffer).increment();
    }

    private Counter handlerErrors(String buffer) {
        return Counter.builder(FAILURE_HANDLER_ERRORS)
                .description("Failure handler calls that threw; the elements they carried are lost")
                .tag(TAG_BUFFER, buffer)
                .register(this.registry);
    }

    private Counter elements(String buffer, String outcome) {
        return Counter.builder(PROCESSING_ELEMENTS)
                .description("Drained elements by outcome: processed, lost to a processor failure or a timeout, or offered again after a failure")
                .baseUnit("elements")
                .tag(TAG_BUFFER, buffer)
                .tag(TAG_OUTCOME, outcome)
                .register(this.registry);
    }

    private AtomicInteger register(String name) {
        Buffer buffer = this.buffers.find(name);
        if (buffer != null) { // null only for a buffer built outside the application context
            Gauge.builder(BUFFER_SIZE, buffer, held -> held.bufferSize() + held.drainingSize())
                    .description("Elements not settled yet: in the write tables and in the drains in flight")
                    .baseUnit("elements")
                    .tag(TAG_BUFFER, name)
                    .strongReference(true)
                    .register(this.registry);
            Gauge.builder(BUFFER_DRAINING, buffer, Buffer::drainingSize)
                    .description("Elements of the drains in flight not settled yet")
                    .baseUnit("elements")
                    .tag(TAG_BUFFER, name)
                    .strongReference(true)
                    .register(this.registry);
            JournalMeters.register(this.registry, name, buffer);
        }
        DeadLetters letters = this.deadLetters;
        if (letters != null) {
            Gauge.builder(DEAD_LETTERS_PENDING, letters, store -> store.count(name))
                    .description("Dead-lettered elements waiting in the store to be replayed")
                    .baseUnit("elements")
                    .tag(TAG_BUFFER, name)
                    .strongReference(true)
                    .register(this.registry);
            TimeGauge.builder(DEAD_LETTERS_OLDEST_AGE, letters, TimeUnit.MILLISECONDS, store -> {
                        Instant oldest = store.backlog(name).oldest();
                        return oldest == null ? 0 : Math.max(0, System.currentTimeMillis() - oldest.toEpochMilli());
                    })
                    .description("Age of the oldest dead-lettered batch waiting in the store; 0 when none waits")
                    .tag(TAG_BUFFER, name)
                    .strongReference(true)
                    .register(this.registry);
        }
        // Zero counters from the start, so dashboards and alerts see the series before the first drain.
        elements(name, "success");
        elements(name, "failure");
        elements(name, "timeout");
        elements(name, "retried");
        handlerErrors(name);
        dropped(name, "overflow");
        latency(name);
        return new AtomicInteger();
    }

    private void remove(String buffer) {
        List<Meter> meters = this.registry.getMeters().stream()
                .filter(meter -> meter.getId().getName().startsWith(PREFIX))
                .filter(meter -> meter.getId().getTags().contains(Tag.of(TAG_BUFFER, buffer)))
                .toList();
        meters.forEach(this.registry::remove);
    }
}

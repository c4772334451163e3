package io.tidefall.spring.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.jspecify.annotations.Nullable;

import io.tidefall.BufferListener;

/**
 * Makes each drain a Micrometer {@link Observation} ({@code tidefall.processing}), so tracing sees
 * it and Micrometer's meter handler records the {@code tidefall.processing} timer (tags
 * {@code buffer}, {@code outcome}, {@code error}).
 *
 * <p>A drain is observed through the buffer's events rather than by wrapping its processor, so
 * every buffer is observed, including those an application builds itself, and the observation
 * spans exactly what the engine calls a drain: from {@code drainStarted} to {@code drainCompleted},
 * across all its chunks, retries and failure handling. The two events may come from different
 * threads, which an observation allows. Its scope, which is bound to one thread, is opened around
 * each call of the processor and of the failure handler, on the thread that makes it
 * ({@code processingCallStarting} and {@code processingCallEnded}), so that spans the processor
 * opens (JDBC, HTTP) are children of the drain's.
 *
 * <p>A partition has at most one drain in flight and makes at most one processor or failure
 * handler call at a time, so the observation in flight and the open scope are kept per buffer and
 * partition.
 */
public class TidefallObservations implements BufferListener {

    private final ObservationRegistry registry;
    private final @Nullable TidefallProcessingObservationConvention convention;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    /** The scope open around the processor or failure handler call in progress, per partition. */
    private final Map<String, Observation.Scope> scopes = new ConcurrentHashMap<>();

    /**
     * @param registry the application's observation registry
     * @param convention replaces the default names and key values, or {@code null}
     */
    public TidefallObservations(ObservationRegistry registry, @Nullable TidefallProcessingObservationConvention convention) {
        this.registry = registry;
        this.convention = convention;
    }

    public TidefallObservations(ObservationRegistry registry) {
        this(registry, null);
    }

    /**
     * Observations recorded as meters only: for an application with a {@code MeterRegistry} and no
     * {@code ObservationRegistry}, so that the {@code tidefall.processing} timer has the same shape
     * either way.
     */
    public static TidefallObservations toMeters(MeterRegistry meters) {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        return new TidefallObservations(registry);
    }

    @Override
    public void drainStarted(String buffer, int partition, int size) {
        TidefallProcessingContext context = new TidefallProcessingContext(buffer, partition, size);
        Observation observation = Observation.createNotStarted(this.convention,
                DefaultTidefallProcessingObservationConvention.INSTANCE, () -> context, this.registry).start();
        InFlight previous = this.inFlight.put(key(buffer, partition), new InFlight(observation, context));
        if (previous != null) {
            previous.observation.stop(); // cannot happen while the engine keeps one drain per partition
        }
    }

    @Override
    public void drainFailed(String buffer, int partition, int size, Throwable cause, FailureReason reason) {
        InFlight drain = this.inFlight.get(key(buffer, partition));
        if (drain != null && drain.firstError()) {
            drain.observation.error(cause);
        }
    }

    @Override
    public void drainCompleted(String buffer, int partition, int size, int failed, boolean timedOut, Duration duration) {
        InFlight drain = this.inFlight.remove(key(buffer, partition));
        if (drain != null) {
            drain.context.completed(failed, timedOut);
            if (timedOut && drain.firstError()) { // nothing was handed over yet: the processor still had the chunk
                drain.observation.error(new TimeoutException("Drain of buffer '" + buffer + "' partition " + partition
                        + " exceeded its processingTimeout after " + duration));
            }
            drain.observation.stop();
        }
    }

    @Override
    public void processingCallStarting(String buffer, int partition, Callee callee) {
        InFlight drain = this.inFlight.get(key(buffer, partition));
        if (drain != null) {
            this.scopes.put(key(buffer, partition), drain.observation.openScope());
        }
    }

    @Override
    public void processingCallEnded(String buffer, int partition, Callee callee) {
        Observation.Scope scope = this.scopes.remove(key(buffer, partition));
        if (scope != null) {
            scope.close();
        }
    }

    private static String key(String buffer, int partition) {
        return buffer + "/" + partition;
    }

    private static final class InFlight {

        final Observation observation;
        final TidefallProcessingContext context;
        private boolean errorReported;

        InFlight(Observation observation, TidefallProcessingContext context) {
            this.observation = observation;
            this.context = context;
        }

        /** Whether this is the drain's first failure: the observation keeps the first error. */
        synchronized boolean firstError() {
            boolean first = !this.errorReported;
            this.errorReported = true;
            return first;
        }
    }
}

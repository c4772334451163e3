package io.tidefall.spring.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import io.tidefall.Buffer;
import io.tidefall.BufferListener;
import io.tidefall.spring.TidefallBuffers;

/**
 * Health of every buffer, as component {@code tidefall}. Details per buffer: whether it runs, its
 * size, the partitions with a drain in flight, and its last failure. DOWN when a buffer is not
 * running, or when a drain has been in flight for longer than its processing timeout plus
 * {@link #STUCK_GRACE} (the engine ends a drain at its timeout, so one that outlives it means the
 * buffer's timers no longer run).
 *
 * <p>It is a {@link BufferListener} bean, so it hears every buffer's drains from their start: that
 * is where the age of a drain in flight and the last failure come from.
 */
public class TidefallHealthIndicator extends AbstractHealthIndicator implements BufferListener {

    /** How long past its timeout a drain may take to be ended before it counts as stuck. */
    public static final Duration STUCK_GRACE = Duration.ofSeconds(1);

    private final TidefallBuffers buffers;
    private final Clock clock;
    /** When the drain in flight of each "buffer/partition" started. */
    private final Map<String, Instant> drainsInFlight = new ConcurrentHashMap<>();
    private final Map<String, Failure> lastFailures = new ConcurrentHashMap<>();

    public TidefallHealthIndicator(TidefallBuffers buffers) {
        this(buffers, Clock.systemUTC());
    }

    public TidefallHealthIndicator(TidefallBuffers buffers, Clock clock) {
        super("Tidefall health check failed");
        this.buffers = buffers;
        this.clock = clock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Instant now = this.clock.instant();
        boolean up = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (Buffer buffer : this.buffers.all()) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("running", buffer.isRunning());
            detail.put("bufferSize", buffer.bufferSize());
            Duration stuckAfter = buffer.options().processingTimeout().plus(STUCK_GRACE);
            Map<Integer, String> draining = new LinkedHashMap<>();
            boolean stuck = false;
            for (int partition = 0; partition < buffer.partitions(); partition++) {
                Instant since = this.drainsInFlight.get(key(buffer.name(), partition));
                if (since != null) {
                    Duration age = Duration.between(since, now);
                    draining.put(partition, TidefallEndpoint.Durations.format(age.isNegative() ? Duration.ZERO : age));
                    stuck |= age.compareTo(stuckAfter) > 0;
                }
            }
            detail.put("draining", draining);
            Failure failure = this.lastFailures.get(buffer.name());
            if (failure != null) {
                detail.put("lastFailure", failure.describe());
            }
            if (!buffer.isRunning()) {
                detail.put("problem", "not running");
                up = false;
            }
            else if (stuck) {
                detail.put("problem", "a drain has been in flight for longer than processingTimeout "
                        + TidefallEndpoint.Durations.format(buffer.options().processingTimeout()));
                up = false;
            }
            details.put(buffer.name(), detail);
        }
        (up ? builder.up() : builder.down()).withDetails(details);
    }

    @Override
    public void drainStarted(String buffer, int partition, int size) {
        this.drainsInFlight.put(key(buffer, partition), this.clock.instant());
    }

    @Override
    public void drainCompleted(String buffer, int partition, int size, int failed, boolean timedOut, Duration duration) {
        this.drainsInFlight.remove(key(buffer, partition));
    }

    @Override
    public void drainFailed(String buffer, int partition, int size, Throwable cause, FailureReason reason) {
        this.lastFailures.put(buffer, new Failure(this.clock.instant(), partition, size, reason, cause));
    }

    @Override
    public void partitionStopped(String buffer, int partition) {
        this.drainsInFlight.remove(key(buffer, partition));
    }

    private static String key(String buffer, int partition) {
        return buffer + "/" + partition;
    }

    private record Failure(Instant at, int partition, int elements, FailureReason reason, Throwable cause) {

        Map<String, Object> describe() {
            Map<String, Object> description = new LinkedHashMap<>();
            description.put("at", this.at.toString());
            description.put("partition", this.partition);
            description.put("elements", this.elements);
            description.put("reason", this.reason.name().toLowerCase(java.util.Locale.ROOT));
            description.put("error", this.cause.getClass().getName());
            return description;
        }
    }
}

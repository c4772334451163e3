package io.tidefall.spring.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import io.tidefall.Buffer;
import io.tidefall.BufferListener;
import io.tidefall.spring.TidefallBuffers;

/**
 * Health of every buffer, as the composite component {@code tidefall} with one entry per buffer
 * ({@code tidefall/events}), so that a health group can hold a single buffer
 * ({@code management.endpoint.health.group.ingest.include=tidefall/events}). Details of a buffer:
 * whether it runs, its size, the partitions with a drain in flight, and its last failure. A buffer
 * is DOWN when it is not running, when a drain has been in flight for longer than its processing
 * timeout plus {@link #STUCK_GRACE} (the engine ends a drain at its timeout, so one that outlives
 * it means the buffer's timers no longer run), or when a processor call that timed out has still
 * not returned (the engine reports it as {@link io.tidefall.PartitionStats#stuck()}; that
 * partition drains no more until it does).
 *
 * <p>It is a {@link BufferListener} bean, so it hears every buffer's drains from their start: that
 * is where the age of a drain in flight and the last failure come from.
 */
public class TidefallHealthIndicator implements CompositeHealthContributor, BufferListener {

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
        this.buffers = buffers;
        this.clock = clock;
    }

    @Override
    public HealthContributor getContributor(String name) {
        Buffer buffer = this.buffers.find(name);
        return buffer != null ? indicator(buffer) : null;
    }

    @Override
    public Stream<Entry> stream() {
        return this.buffers.all().stream().map(buffer -> new Entry(buffer.name(), indicator(buffer)));
    }

    private HealthIndicator indicator(Buffer buffer) {
        return () -> health(buffer);
    }

    /**
     * Every buffer at once, as one status (DOWN when any buffer is) with each buffer's details
     * under its name: for logs and tests; Actuator shows the entries of the composite.
     */
    public Health health(boolean includeDetails) {
        boolean up = true;
        Map<String, Object> details = new LinkedHashMap<>();
        for (Buffer buffer : this.buffers.all()) {
            Health health = health(buffer);
            up &= Status.UP.equals(health.getStatus());
            details.put(buffer.name(), health.getDetails());
        }
        Health.Builder builder = up ? Health.up() : Health.down();
        return (includeDetails ? builder.withDetails(details) : builder).build();
    }

    /** The health of one buffer. */
    public Health health(Buffer buffer) {
        Instant now = this.clock.instant();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("running", buffer.isRunning());
        detail.put("bufferSize", buffer.bufferSize());
        Duration stuckAfter = buffer.options().processingTimeout().plus(STUCK_GRACE);
        Map<Integer, String> draining = new LinkedHashMap<>();
        boolean stuck = false;
        Map<Integer, String> stuckProcessors = new LinkedHashMap<>();
        for (int partition = 0; partition < buffer.partitions(); partition++) {
            if (buffer.stats(partition).stuck()) {
                stuckProcessors.put(partition, "a processor call that timed out has not returned");
            }
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
        boolean up = false;
        if (!buffer.isRunning()) {
            detail.put("problem", "not running");
        }
        else if (!stuckProcessors.isEmpty()) {
            detail.put("stuck", stuckProcessors);
            detail.put("problem", "a processor call that timed out has not returned; its partition does not drain until it does");
        }
        else if (stuck) {
            detail.put("problem", "a drain has been in flight for longer than processingTimeout "
                    + TidefallEndpoint.Durations.format(buffer.options().processingTimeout()));
        }
        else {
            up = true;
        }
        return (up ? Health.up() : Health.down()).withDetails(detail).build();
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

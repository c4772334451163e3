package io.tidefall.spring.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import io.tidefall.Buffer;
import io.tidefall.BufferListener;
import io.tidefall.JournalStats;
import io.tidefall.PartitionStats;
import io.tidefall.spring.BufferType;
import io.tidefall.spring.Durations;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.deadletter.DeadLetterBacklog;
import io.tidefall.spring.deadletter.DeadLetters;

/**
 * Health of every buffer, as the composite component {@code tidefall} with one entry per buffer
 * ({@code tidefall/events}), so that a health group can hold a single buffer
 * ({@code management.endpoint.health.group.ingest.include=tidefall/events}). Details of a buffer:
 * whether it runs, its size ({@code bufferSize}: every element not settled yet, split into
 * {@code inWriteTables} and {@code inDrains}), the partitions with a drain in flight and for how
 * long, the partitions retrying a failed chunk (since when, and the class of the failure and of
 * its root cause: never the message, which may name hosts or data), the dead letters waiting
 * (count, oldest, last probe of the sink), its last failure, and a durable buffer's {@code journal}
 * (durability, directory, bytes, limit, segments, write failures).
 *
 * <p>A buffer is DOWN whenever an element it accepted cannot be delivered now, and says why in
 * {@code problem}: it is not running; a partition has been retrying a failed chunk for longer
 * than {@code retryingThreshold} (it holds what the processor keeps refusing); a drain in flight
 * has held elements for longer than that threshold (the backlog is too old: a chunk that reached
 * its delivery deadline went to the failure handler, and the next one has only just begun
 * retrying); a step of a drain (a processor call, the failure handler, the ordering) has run past
 * its timeout and not returned ({@link io.tidefall.PartitionStats#stuck()}); or dead letters of
 * the buffer wait in the store; or its journal cannot be written (a disk full, an I/O error: the
 * cause names the segment), when it refuses every write. So during an outage it stays DOWN from the first threshold until
 * the last element is delivered, dead letters included, and is never UP in between.
 *
 * <p>DOWN rather than OUT_OF_SERVICE: nobody took the buffer out on purpose; it cannot deliver, as
 * the {@code db} contributor is DOWN while the database is unreachable. Spring Boot maps both to
 * 503, and includes neither in the liveness or readiness groups unless told to, so a retrying
 * buffer does not get the instance restarted (which would cost what it holds in memory).
 *
 * <p>It is a {@link BufferListener} bean, so it hears every buffer's drains from their start: that
 * is where the age of a drain in flight and the last failure come from.
 */
public class TidefallHealthIndicator implements CompositeHealthContributor, BufferListener {

    /** How long a partition may retry a failed chunk, by default, before its buffer is DOWN. */
    public static final Duration DEFAULT_RETRYING_THRESHOLD = Duration.ofSeconds(30);

    private final TidefallBuffers buffers;
    private final @Nullable DeadLetters deadLetters;
    private final Clock clock;
    private final Duration retryingThreshold;
    /** When the drain in flight of each "buffer/partition" started. */
    private final Map<String, Instant> drainsInFlight = new ConcurrentHashMap<>();
    private final Map<String, Failure> lastFailures = new ConcurrentHashMap<>();

    public TidefallHealthIndicator(TidefallBuffers buffers) {
        this(buffers, DEFAULT_RETRYING_THRESHOLD);
    }

    /**
     * @param retryingThreshold how long a partition may retry a failed chunk, or hold a drain in
     *     flight, before its buffer is DOWN
     */
    public TidefallHealthIndicator(TidefallBuffers buffers, Duration retryingThreshold) {
        this(buffers, null, Clock.systemUTC(), retryingThreshold);
    }

    public TidefallHealthIndicator(TidefallBuffers buffers, Clock clock) {
        this(buffers, null, clock, DEFAULT_RETRYING_THRESHOLD);
    }

    public TidefallHealthIndicator(TidefallBuffers buffers, Clock clock, Duration retryingThreshold) {
        this(buffers, null, clock, retryingThreshold);
    }

    /**
     * @param deadLetters the dead letters of every buffer, or {@code null} when there is no store:
     *     a buffer with dead letters waiting is DOWN
     */
    public TidefallHealthIndicator(TidefallBuffers buffers, @Nullable DeadLetters deadLetters, Clock clock,
            Duration retryingThreshold) {
        this.buffers = buffers;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.retryingThreshold = retryingThreshold;
    }

    @Override
    public @Nullable HealthContributor getContributor(String name) {
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
        Map<Integer, String> draining = new LinkedHashMap<>();
        Map<Integer, String> stuckProcessors = new LinkedHashMap<>();
        Map<Integer, Map<String, Object>> retrying = new LinkedHashMap<>();
        @Nullable Instant retryingTooLongSince = null;
        @Nullable Instant drainingTooLongSince = null;
        long inWriteTables = 0;
        long inDrains = 0;
        for (int partition = 0; partition < buffer.partitions(); partition++) {
            PartitionStats stats = buffer.stats(partition);
            inWriteTables += stats.bufferSize();
            inDrains += stats.drainingSize();
            if (stats.stuck()) {
                stuckProcessors.put(partition, "a step of its drain ran past processingTimeout and has not returned");
            }
            Instant retryingSince = stats.retryingSince();
            if (retryingSince != null) {
                Duration age = Duration.between(retryingSince, now);
                retrying.put(partition, retrying(retryingSince, age, stats.retryCause()));
                if (age.compareTo(this.retryingThreshold) > 0
                        && (retryingTooLongSince == null || retryingSince.isBefore(retryingTooLongSince))) {
                    retryingTooLongSince = retryingSince;
                }
            }
            Instant since = this.drainsInFlight.get(key(buffer.name(), partition));
            if (since != null) {
                Duration age = Duration.between(since, now);
                draining.put(partition, Durations.format(age.isNegative() ? Duration.ZERO : age));
                if (age.compareTo(this.retryingThreshold) > 0 && stats.drainingSize() > 0
                        && (drainingTooLongSince == null || since.isBefore(drainingTooLongSince))) {
                    drainingTooLongSince = since;
                }
            }
        }
        detail.put("bufferSize", inWriteTables + inDrains);
        detail.put("inWriteTables", inWriteTables);
        detail.put("inDrains", inDrains);
        detail.put("draining", draining);
        if (!retrying.isEmpty()) {
            detail.put("retrying", retrying);
        }
        DeadLetterBacklog backlog = this.deadLetters != null ? this.deadLetters.backlog(buffer.name()) : null;
        if (backlog != null && backlog.pending()) {
            detail.put("deadLetters", deadLetters(backlog, now));
        }
        Failure failure = this.lastFailures.get(buffer.name());
        if (failure != null) {
            detail.put("lastFailure", failure.describe());
        }
        JournalStats journal = BufferType.journalStats(buffer).orElse(null);
        if (journal != null) {
            detail.put("journal", journal(journal));
        }
        List<String> problems = new ArrayList<>();
        if (journal != null && journal.writeFailure() != null) {
            problems.add("its journal cannot be written (" + journal.writeFailure() + "): it refuses writes, since it accepts"
                    + " nothing that is not in its journal");
        }
        if (!buffer.isRunning()) {
            problems.add("not running");
        }
        if (!stuckProcessors.isEmpty()) {
            detail.put("stuck", stuckProcessors);
            problems.add("a processor call (or the failure handler, or the ordering) ran past processingTimeout "
                    + "and has not returned; its partition does not drain until it does");
        }
        if (retryingTooLongSince != null) {
            problems.add("retrying a failed chunk since " + retryingTooLongSince + ", for longer than "
                    + Durations.exact(this.retryingThreshold)
                    + ": the processor keeps failing (see retrying); the buffer holds what it cannot deliver");
        }
        else if (drainingTooLongSince != null) {
            problems.add(inDrains + " element(s) in drains in flight since " + drainingTooLongSince + ", for longer than "
                    + Durations.exact(this.retryingThreshold) + ": the backlog is not delivered");
        }
        if (backlog != null && backlog.pending()) {
            problems.add(backlog.count() + " dead-lettered element(s) wait for delivery"
                    + (backlog.oldest() != null ? " since " + backlog.oldest() : "")
                    + "; they are replayed once a probe finds the sink taking writes again");
        }
        if (!problems.isEmpty()) {
            detail.put("problem", String.join("; ", problems));
        }
        return (problems.isEmpty() ? Health.up() : Health.down()).withDetails(detail).build();
    }

    private static Map<String, Object> journal(JournalStats journal) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("durability", journal.durability().name().toLowerCase(java.util.Locale.ROOT));
        description.put("directory", journal.directory().toString());
        description.put("bytes", journal.bytes());
        description.put("limitBytes", journal.limitBytes());
        description.put("segments", journal.segments());
        description.put("writeFailures", journal.writeFailures());
        if (journal.writeFailure() != null) {
            description.put("writeFailure", journal.writeFailure());
        }
        return description;
    }

    private static Map<String, Object> deadLetters(DeadLetterBacklog backlog, Instant now) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("count", backlog.count());
        Instant oldest = backlog.oldest();
        if (oldest != null) {
            description.put("oldest", oldest.toString());
            Duration age = Duration.between(oldest, now);
            description.put("age", Durations.format(age.isNegative() ? Duration.ZERO
                    : age.truncatedTo(ChronoUnit.SECONDS)));
        }
        DeadLetterBacklog.Probe probe = backlog.lastProbe();
        if (probe != null) {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("at", probe.at().toString());
            last.put("outcome", probe.outcome());
            if (probe.next() != null) {
                last.put("next", probe.next().toString());
            }
            description.put("lastProbe", last);
        }
        return description;
    }

    private static Map<String, Object> retrying(Instant since, Duration age, Throwable cause) {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("since", since.toString());
        description.put("for", Durations.format(age.isNegative() ? Duration.ZERO : age.truncatedTo(ChronoUnit.SECONDS)));
        if (cause != null) {
            description.put("error", cause.getClass().getName());
            Throwable root = cause;
            for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 32; depth++) {
                root = root.getCause();
            }
            if (root != cause) {
                description.put("rootCause", root.getClass().getName());
            }
        }
        return description;
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

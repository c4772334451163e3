package io.tidefall.spring.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

import io.tidefall.Buffer;
import io.tidefall.BufferOptions;
import io.tidefall.InvalidOptionException;
import io.tidefall.PartitionStats;
import io.tidefall.spring.BufferType;
import io.tidefall.spring.RuntimeOption;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.deadletter.DeadLetterBacklog;
import io.tidefall.spring.deadletter.DeadLetters;
import io.tidefall.spring.deadletter.ReplayResult;

/**
 * {@code tidefall}: every buffer with its size and options; one buffer with its partitions'
 * counters; live option updates and flushes. Reads are allowed by default; writes only where
 * {@code management.endpoint.tidefall.access=unrestricted}.
 *
 * <p>Over HTTP, {@link TidefallEndpointWebExtension} answers writes with 400 (and a message naming
 * the field and value) or 404 instead of the exceptions and {@code null}s used here.
 */
@Endpoint(id = "tidefall", defaultAccess = Access.READ_ONLY)
public class TidefallEndpoint {

    static final String NO_OPTION = "The request names no option to change: send any of "
            + String.join(", ", RuntimeOption.FIELDS) + ".";

    private final TidefallBuffers buffers;
    private final @Nullable DeadLetters deadLetters;

    public TidefallEndpoint(TidefallBuffers buffers) {
        this(buffers, null);
    }

    /**
     * @param deadLetters the dead-letter store, or {@code null} when there is none: then replay
     *     answers 404
     */
    public TidefallEndpoint(TidefallBuffers buffers, @Nullable DeadLetters deadLetters) {
        this.buffers = buffers;
        this.deadLetters = deadLetters;
    }

    /** Every buffer, by name. */
    @ReadOperation
    public BuffersDescriptor buffers() {
        Map<String, BufferDescriptor> all = new LinkedHashMap<>();
        for (Buffer buffer : this.buffers.all()) {
            all.put(buffer.name(), BufferDescriptor.of(buffer));
        }
        return new BuffersDescriptor(all);
    }

    /** One buffer with its partitions, or {@code null} (404) when there is no such buffer. */
    @ReadOperation
    public @Nullable BufferDetailsDescriptor buffer(@Selector String name) {
        Buffer buffer = find(name);
        return buffer != null ? BufferDetailsDescriptor.of(buffer, this.deadLetters) : null;
    }

    /**
     * Changes any of the buffer's runtime options, atomically; answers the options now in force,
     * or {@code null} when there is no such buffer.
     *
     * <p>Over HTTP the options are the fields of the request's JSON body (and its query
     * parameters): {@code {"processingInterval": "2s"}}. Actuator would map those to parameters
     * by name; {@link TidefallRequestFieldsAdvisor} gathers them into {@code options} instead, so
     * that an option needs no parameter of its own.
     *
     * @param options option names ({@link RuntimeOption#field()}) to texts ({@link RuntimeOption#parse});
     *     a {@code null} value leaves its option as it is
     * @throws InvalidEndpointRequestException naming the field and value when one cannot be used,
     *     or the fields that are no option; nothing is changed then
     */
    @WriteOperation
    public @Nullable OptionsDescriptor updateOptions(@Selector String name, Map<String, ?> options) {
        return updateOptions(name, () -> OptionsUpdate.parse(options));
    }

    /**
     * Applies the update {@code parse} reads from a request, once the buffer is known to exist;
     * an update that names no option is rejected, so that a misspelt or empty request is not
     * answered as if it had done something.
     */
    @Nullable OptionsDescriptor updateOptions(String name, Supplier<OptionsUpdate> parse) {
        Buffer buffer = find(name);
        if (buffer == null) {
            return null;
        }
        try {
            OptionsUpdate update = parse.get();
            if (update.isEmpty()) {
                throw new IllegalArgumentException(NO_OPTION);
            }
            buffer.updateOptions(update);
        } catch (InvalidOptionException invalid) {
            String message = OptionsUpdate.message(invalid);
            throw new InvalidEndpointRequestException(message, message);
        } catch (IllegalArgumentException invalid) {
            throw new InvalidEndpointRequestException(invalid.getMessage(), invalid.getMessage());
        }
        return OptionsDescriptor.of(buffer.options());
    }

    /**
     * An action on one buffer: {@code flush} drains every partition now and answers once the drains
     * have finished (or timed out), with the buffer's state afterwards; {@code replay} pushes the
     * buffer's dead letters back into it and answers what it did. {@code null} when there is no
     * such buffer, no such action, or (for {@code replay}) no dead-letter store.
     */
    @WriteOperation
    public @Nullable Object action(@Selector String name, @Selector String action) {
        Buffer buffer = find(name);
        if (buffer == null) {
            return null;
        }
        if ("flush".equals(action)) {
            buffer.flush();
            return BufferDetailsDescriptor.of(buffer, this.deadLetters);
        }
        if ("replay".equals(action) && this.deadLetters != null) {
            return ReplayDescriptor.of(this.deadLetters.replay(buffer));
        }
        return null;
    }

    /** Whether {@code replay} is available: a dead-letter store is configured. */
    boolean canReplay() {
        return this.deadLetters != null;
    }

    private @Nullable Buffer find(String name) {
        return this.buffers.find(name);
    }

    /** The buffer type as configured: {@code queue}, {@code hash-map}, or the class of another kind. */
    static String typeOf(Buffer buffer) {
        BufferType type = BufferType.of(buffer);
        return type != null ? type.value() : buffer.getClass().getName();
    }

    /** Every buffer, by name. */
    public record BuffersDescriptor(Map<String, BufferDescriptor> buffers) implements OperationResponseBody {
    }

    /**
     * A buffer: its type, size, partitions, durability and options. {@code bufferSize} counts every
     * element not settled yet, {@code inDrains} the part of them in drains in flight (the rest is in
     * the write tables); {@code journal} is the write-ahead journal of a durable buffer, {@code null}
     * for a {@code memory} one.
     */
    public record BufferDescriptor(String type, boolean running, long bufferSize, long inDrains, int partitions,
            String durability, OptionsDescriptor options, @Nullable JournalDescriptor journal) implements OperationResponseBody {

        static BufferDescriptor of(Buffer buffer) {
            long inDrains = buffer.drainingSize();
            return new BufferDescriptor(typeOf(buffer), buffer.isRunning(), buffer.bufferSize() + inDrains, inDrains,
                    buffer.partitions(), JournalDescriptor.durabilityOf(buffer), OptionsDescriptor.of(buffer.options()),
                    JournalDescriptor.of(buffer));
        }
    }

    /**
     * A buffer as {@link BufferDescriptor} shows it (with its journal, when durable), plus each partition's state and counters, and,
     * with a dead-letter store, the number of its elements stored there ({@code deadLetters}) with
     * the oldest one's time and the last probe of its sink ({@code deadLetterBacklog}).
     */
    public record BufferDetailsDescriptor(String name, String type, boolean running, long bufferSize, long inDrains,
            int partitions, String durability, OptionsDescriptor options, @Nullable JournalDescriptor journal,
            List<PartitionDescriptor> partitionDetails, @Nullable Long deadLetters,
            @Nullable DeadLetterBacklog deadLetterBacklog) implements OperationResponseBody {

        static BufferDetailsDescriptor of(Buffer buffer) {
            return of(buffer, null);
        }

        /** With the number of elements stored for it in {@code deadLetters}, when there is a store. */
        static BufferDetailsDescriptor of(Buffer buffer, @Nullable DeadLetters deadLetters) {
            List<PartitionDescriptor> details = new ArrayList<>(buffer.partitions());
            for (int i = 0; i < buffer.partitions(); i++) {
                details.add(PartitionDescriptor.of(buffer.stats(i)));
            }
            long inDrains = details.stream().mapToLong(PartitionDescriptor::drainingSize).sum();
            long size = details.stream().mapToLong(PartitionDescriptor::bufferSize).sum() + inDrains;
            DeadLetterBacklog backlog = deadLetters != null ? deadLetters.backlog(buffer.name()) : null;
            return new BufferDetailsDescriptor(buffer.name(), typeOf(buffer), buffer.isRunning(), size, inDrains,
                    buffer.partitions(), JournalDescriptor.durabilityOf(buffer), OptionsDescriptor.of(buffer.options()),
                    JournalDescriptor.of(buffer), details, backlog != null ? backlog.count() : null, backlog);
        }
    }

    /**
     * What a replay did: elements written back into the buffer, hash-map entries dropped because the
     * buffer held a newer version, elements still stored, and a message per file it could not replay.
     */
    public record ReplayDescriptor(String buffer, long replayed, long superseded, long remaining, List<String> problems)
            implements OperationResponseBody {

        static ReplayDescriptor of(ReplayResult result) {
            return new ReplayDescriptor(result.buffer(), result.replayed(), result.superseded(), result.remaining(),
                    result.problems());
        }
    }

    /**
     * One partition: its write table's size, whether a drain is in flight and how many of its
     * elements are not settled yet ({@code drainingSize}), whether a timed-out
     * processor call is still stuck, its counters since the buffer was built ({@code retried}:
     * elements offered again after a failure), and, while it retries a failed chunk, since when
     * and the class of the failure.
     */
    public record PartitionDescriptor(int partition, long bufferSize, boolean draining, boolean stuck, long drained, long failed,
            long dropped, long drains, long retried, @Nullable Instant retryingSince, @Nullable String retryCause,
            @Nullable Instant lastDrainAt, @Nullable String lastDrainDuration, long drainingSize) {

        static PartitionDescriptor of(PartitionStats stats) {
            return new PartitionDescriptor(stats.partition(), stats.bufferSize(), stats.draining(), stats.stuck(), stats.drained(),
                    stats.failed(), stats.dropped(), stats.drains(), stats.retried(), stats.retryingSince(),
                    stats.retryCause() != null ? stats.retryCause().getClass().getName() : null, stats.lastDrainAt(),
                    stats.lastDrainDuration() != null ? io.tidefall.spring.Durations.format(stats.lastDrainDuration()) : null,
                    stats.drainingSize());
        }
    }

    /**
     * A buffer's runtime options by field name, in the forms a write accepts back
     * ({@link RuntimeOption#show}): durations as {@code 250ms} or {@code 5s}, the batch size as a
     * number or {@code "table"}, an unset threshold or capacity as {@code "off"}, unlimited retries
     * as {@code "unlimited"}, the overflow policy in lower case.
     */
    public static final class OptionsDescriptor extends LinkedHashMap<String, Object> implements OperationResponseBody {

        private static final long serialVersionUID = 1L;

        private OptionsDescriptor() {
        }

        static OptionsDescriptor of(BufferOptions options) {
            OptionsDescriptor descriptor = new OptionsDescriptor();
            for (RuntimeOption option : RuntimeOption.values()) {
                descriptor.put(option.field(), option.show(option.read(options)));
            }
            return descriptor;
        }
    }
}

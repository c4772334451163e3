package io.tidefall.spring.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

import io.tidefall.Durability;
import io.tidefall.spring.BufferType;
import io.tidefall.spring.RuntimeOption;
import io.tidefall.spring.sink.SinkProperties;

/**
 * Configuration of Tidefall buffers: {@code tidefall.defaults.*} applies to every buffer that does
 * not set an option itself, {@code tidefall.buffers.<name>.*} declares one buffer bean each.
 *
 * <p>Every option is a nullable wrapper so that an unset one can be told apart from a set one: a
 * buffer takes each option from its own entry, then from {@code defaults}, then from the engine's
 * defaults.
 *
 * <p>The runtime options ({@link io.tidefall.BufferOptions}) have no field here: they are declared
 * once, in {@link RuntimeOption}, and {@link TidefallBufferRegistrar} reads
 * {@code tidefall.defaults.<property>} and {@code tidefall.buffers.<name>.<property>} as text for
 * each, as the endpoint does; their configuration metadata is generated from the catalogue. The
 * registrar also fails the startup on any key under {@code tidefall} that is neither a runtime
 * option nor bound here (which is why this class does not ask Spring Boot to, with
 * {@code ignoreUnknownFields}: Spring Boot would refuse the runtime options).
 */
@ConfigurationProperties(prefix = "tidefall")
public class TidefallProperties {

    /** Whether to enable the Tidefall auto-configuration: buffers, registry and lifecycle. */
    private boolean enabled = true;

    /**
     * Name of the TaskScheduler bean that runs ticks, drain checks and timeouts. By default, the
     * application's scheduler, or one the starter builds for itself.
     */
    private @Nullable String scheduler;

    /**
     * Name of the Executor bean that runs drains. By default, the application's task executor
     * (the one @Async uses), or a small pool of each buffer's own.
     */
    private @Nullable String executor;

    /** Options applied to every buffer that does not set them itself. */
    private final Options defaults = new Options();

    /** Buffers to create, by name; each becomes a bean of that name. */
    private Map<String, BufferProperties> buffers = new LinkedHashMap<>();

    /** Durable store for the elements buffers could not deliver. */
    private final DeadLetter deadLetter = new DeadLetter();

    /** Write-ahead journal of the durable buffers (durability 'process' or 'sync'). */
    private final Journal journal = new Journal();

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable String getScheduler() {
        return this.scheduler;
    }

    public void setScheduler(@Nullable String scheduler) {
        this.scheduler = scheduler;
    }

    public @Nullable String getExecutor() {
        return this.executor;
    }

    public void setExecutor(@Nullable String executor) {
        this.executor = executor;
    }

    public Options getDefaults() {
        return this.defaults;
    }

    public Map<String, BufferProperties> getBuffers() {
        return this.buffers;
    }

    public void setBuffers(Map<String, BufferProperties> buffers) {
        this.buffers = buffers;
    }

    public DeadLetter getDeadLetter() {
        return this.deadLetter;
    }

    public Journal getJournal() {
        return this.journal;
    }

    /**
     * Where the durable buffers journal the writes they accepted: one folder per buffer, under
     * {@code directory}.
     */
    public static class Journal {

        /**
         * Root directory of the durable buffers' write-ahead journals, with one folder per buffer. By
         * default, 'tidefall-journal' in Spring Boot's ApplicationTemp, which a new container or a restart of
         * the machine may not keep: set it to a persistent volume, or a restarted application cannot replay
         * what the previous one accepted.
         */
        private @Nullable Path directory;

        public @Nullable Path getDirectory() {
            return this.directory;
        }

        public void setDirectory(@Nullable Path directory) {
            this.directory = directory;
        }
    }

    /**
     * The dead-letter store: on by default (with Jackson on the class path). It becomes the
     * failure handler of every buffer that does not name one with {@code failure-handler}, and
     * heals itself: while it holds elements of a buffer, it probes that buffer's sink and replays
     * them once the sink takes writes again.
     */
    public static class DeadLetter {

        /**
         * Whether the dead-letter store is on. Turning it off makes buffers without a
         * failure-handler discard what they cannot deliver (logged and counted).
         */
        private boolean enabled = true;

        /**
         * Directory of the dead-letter store, with one folder per buffer. By default, the
         * application's temporary directory ('tidefall-dead-letters' in Spring Boot's ApplicationTemp),
         * which a new container or a restart of the machine may not keep: set it to a persistent volume.
         */
        private @Nullable Path directory;

        /** Largest size of the stored files together; a batch that does not fit is refused and logged. */
        private DataSize maxSize = DataSize.ofMegabytes(256);

        /** Whether to push the stored elements back into their buffers when the application starts. */
        private boolean replayOnStart;

        /** Whether stored elements are replayed by themselves once a probe finds their buffer's sink taking writes. */
        private boolean selfHeal = true;

        /** Pause before the first probe of a sink while dead letters wait; each further probe doubles it. */
        private Duration probeBackoff = Duration.ofSeconds(1);

        /** Longest pause between two probes of a sink. */
        private Duration probeBackoffMax = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public @Nullable Path getDirectory() {
            return this.directory;
        }

        public void setDirectory(@Nullable Path directory) {
            this.directory = directory;
        }

        public DataSize getMaxSize() {
            return this.maxSize;
        }

        public void setMaxSize(DataSize maxSize) {
            this.maxSize = maxSize;
        }

        public boolean isReplayOnStart() {
            return this.replayOnStart;
        }

        public void setReplayOnStart(boolean replayOnStart) {
            this.replayOnStart = replayOnStart;
        }

        public boolean isSelfHeal() {
            return this.selfHeal;
        }

        public void setSelfHeal(boolean selfHeal) {
            this.selfHeal = selfHeal;
        }

        public Duration getProbeBackoff() {
            return this.probeBackoff;
        }

        public void setProbeBackoff(Duration probeBackoff) {
            this.probeBackoff = probeBackoff;
        }

        public Duration getProbeBackoffMax() {
            return this.probeBackoffMax;
        }

        public void setProbeBackoffMax(Duration probeBackoffMax) {
            this.probeBackoffMax = probeBackoffMax;
        }
    }

    /**
     * The options a buffer can take from {@code tidefall.defaults} that are fixed when it is built;
     * the runtime options beside them are in {@link RuntimeOption}.
     */
    public static class Options {

        /** Number of independent partitions. Engine default: the number of available processors. */
        private @Nullable Integer partitions;

        /**
         * Name of the BatchFailureHandler bean that receives the elements a drain lost, to
         * dead-letter them. By default, the dead-letter store when tidefall.dead-letter.directory is
         * set; else they are logged and counted.
         */
        private @Nullable String failureHandler;

        /**
         * What a write that returned survives: 'memory' (nothing: a crash loses what was not delivered),
         * 'process' (the process's death: the write is in the buffer's journal, held by the operating
         * system) or 'sync' (a power loss too: the journal is forced to disk before the write returns).
         * Fixed when the buffer is built. Engine default: memory.
         */
        private @Nullable Durability durability;

        /**
         * Most disk space a durable buffer's journal takes; a full journal is a full buffer (overflow
         * applies). At least 1KB. Engine default: 256MB.
         */
        private @Nullable DataSize journalLimit;

        public @Nullable Integer getPartitions() {
            return this.partitions;
        }

        public void setPartitions(@Nullable Integer partitions) {
            this.partitions = partitions;
        }

        public @Nullable String getFailureHandler() {
            return this.failureHandler;
        }

        public void setFailureHandler(@Nullable String failureHandler) {
            this.failureHandler = failureHandler;
        }

        public @Nullable Durability getDurability() {
            return this.durability;
        }

        public void setDurability(@Nullable Durability durability) {
            this.durability = durability;
        }

        public @Nullable DataSize getJournalLimit() {
            return this.journalLimit;
        }

        public void setJournalLimit(@Nullable DataSize journalLimit) {
            this.journalLimit = journalLimit;
        }
    }

    /** One configured buffer: its type, its processor and any option it overrides. */
    public static class BufferProperties extends Options {

        /**
         * Type of the buffer: 'queue' keeps every item, 'hash-map' coalesces writes by key. Unset
         * means 'queue'.
         */
        private @Nullable BufferType type;

        /**
         * Name of the BatchProcessor bean that receives the drained batches. Alternatively,
         * annotate one bean method with @TidefallProcessor("<name>").
         */
        private @Nullable String processor;

        /**
         * Where the drained batches go when the buffer has no processor: a JDBC statement
         * (sink.jdbc), a Spring Batch ItemWriter bean (sink.item-writer) or a Kafka topic (sink.kafka).
         */
        private @Nullable SinkProperties sink;

        /**
         * Name of the ElementCodec bean that writes a durable buffer's elements (a queue's items, a hash
         * map's values) into its journal and reads them back. By default, JSON with the application's
         * Jackson mapper.
         */
        private @Nullable String codec;

        /**
         * Name of the ElementCodec bean that writes a durable hash map's keys into its journal. By default,
         * JSON with the application's Jackson mapper.
         */
        private @Nullable String keyCodec;

        public @Nullable BufferType getType() {
            return this.type;
        }

        public void setType(@Nullable BufferType type) {
            this.type = type;
        }

        public @Nullable String getProcessor() {
            return this.processor;
        }

        public void setProcessor(@Nullable String processor) {
            this.processor = processor;
        }

        public @Nullable SinkProperties getSink() {
            return this.sink;
        }

        public void setSink(@Nullable SinkProperties sink) {
            this.sink = sink;
        }

        public @Nullable String getCodec() {
            return this.codec;
        }

        public void setCodec(@Nullable String codec) {
            this.codec = codec;
        }

        public @Nullable String getKeyCodec() {
            return this.keyCodec;
        }

        public void setKeyCodec(@Nullable String keyCodec) {
            this.keyCodec = keyCodec;
        }
    }
}

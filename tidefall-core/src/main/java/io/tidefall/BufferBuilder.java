package io.tidefall;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * What every buffer type's builder has in common, so that code which builds buffers of any type
 * (such as the Spring Boot starter) configures them in one place. Each setter validates its
 * argument at once, naming it, so a mistake is reported where it is written. Only the buffer
 * types of this package extend it.
 *
 * @param <E> the element type the processor receives
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class BufferBuilder<E, B extends BufferBuilder<E, B>> {

    final String name;
    @Nullable BatchProcessor<? super E> processor;
    @Nullable BatchFailureHandler<? super E> failureHandler;
    int partitions = Runtime.getRuntime().availableProcessors();
    BufferOptions options = BufferOptions.defaults();
    @Nullable Executor executor;
    @Nullable Scheduler scheduler;
    RetryPolicy retryPolicy = RetryPolicy.defaults();
    @Nullable ThreadFactory threadFactory;
    Ticker ticker = Ticker.system();
    final List<BufferListener> listeners = new ArrayList<>();
    Durability durability = Durability.MEMORY;
    @Nullable Path journalDirectory;
    long journalLimit = DEFAULT_JOURNAL_LIMIT;
    JournalFile.Opener journalFiles = JournalFile.Opener.FILES;
    Function<String, System.Logger> loggers = System::getLogger;

    /** The default {@linkplain #journalLimit journal limit}: 256 MiB. */
    public static final long DEFAULT_JOURNAL_LIMIT = 256L << 20;

    BufferBuilder(String name) {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        this.name = name;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** Receives every drained chunk. Required. */
    public B processor(BatchProcessor<? super E> processor) {
        this.processor = Objects.requireNonNull(processor, "processor must not be null");
        return self();
    }

    /**
     * Receives the elements of every chunk the processor failed on (after its retries) or did not
     * reach before the timeout, to dead-letter them. Default: they are logged (rate-limited) and
     * counted.
     */
    public B failureHandler(BatchFailureHandler<? super E> failureHandler) {
        this.failureHandler = Objects.requireNonNull(failureHandler, "failureHandler must not be null");
        return self();
    }

    /** Independent lanes, each with its own write table and timer; default: available processors. */
    public B partitions(int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException(
                    "partitions must be at least 1 for buffer '" + name + "', but was " + partitions);
        }
        this.partitions = partitions;
        return self();
    }

    /** The initial runtime options; default {@link BufferOptions#defaults()}. */
    public B options(BufferOptions options) {
        this.options = Objects.requireNonNull(options, "options must not be null");
        return self();
    }

    /**
     * Runs drains. Default: a small pool of daemon threads that the buffer owns and shuts down on
     * {@link Buffer#close()}. An executor given here stays the caller's: the buffer never shuts it
     * down, and does not rely on it during close.
     */
    public B executor(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor must not be null");
        return self();
    }

    /**
     * Runs ticks, drain checks and timeouts. Default: one daemon timer thread that the buffer owns
     * and shuts down on {@link Buffer#close()}.
     */
    public B scheduler(Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
        return self();
    }

    /**
     * Decides which processor failures are retried (until the delivery timeout) and which are
     * permanent; default {@link RetryPolicy#defaults()}.
     */
    public B retryPolicy(RetryPolicy retryPolicy) {
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy must not be null");
        return self();
    }

    /**
     * Makes the threads the buffer starts itself: the final drains of {@link Buffer#close()},
     * drains an executor refused, and the default executor's and scheduler's threads. Default:
     * daemon platform threads named after the buffer. Pass a virtual-thread factory to run them
     * as virtual threads.
     */
    public B threadFactory(ThreadFactory threadFactory) {
        this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory must not be null");
        return self();
    }

    /**
     * The clock every duration of the buffer is measured on (retry pauses, delivery deadlines,
     * processor timeouts, close budgets, blocked writers); default {@link Ticker#system()}. Tests
     * pass a clock they move themselves, together with a scheduler that runs on it.
     */
    public B ticker(Ticker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker must not be null");
        return self();
    }

    /**
     * What a write that returned survives; default {@link Durability#MEMORY}. Any other needs a
     * {@link #journalDirectory} and a codec (the builder's {@code codec} method). On
     * {@link #build()}, the segments a previous run left in the directory are replayed into the
     * buffer before it accepts a write.
     */
    public B durability(Durability durability) {
        this.durability = Objects.requireNonNull(durability, "durability must not be null");
        return self();
    }

    /**
     * The directory of this buffer's write-ahead journal (created if missing); one buffer per
     * directory. Must be on a persistent volume for the journal to outlive a container.
     */
    public B journalDirectory(Path journalDirectory) {
        this.journalDirectory = Objects.requireNonNull(journalDirectory, "journalDirectory must not be null");
        return self();
    }

    /**
     * The most bytes the journal's unsettled segments hold; default {@link #DEFAULT_JOURNAL_LIMIT}.
     * A full journal is a full buffer: the {@linkplain BufferOptions#overflow() overflow policy} applies.
     */
    public B journalLimit(long bytes) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("journalLimit of buffer '" + name + "' must be at least 1024 bytes, but was " + bytes);
        }
        this.journalLimit = bytes;
        return self();
    }

    /** Opens the journal's segment files; tests inject faults here. */
    B journalFiles(JournalFile.Opener opener) {
        this.journalFiles = Objects.requireNonNull(opener);
        return self();
    }

    /**
     * Where the buffer writes its log lines (failures, losses, dead letters, journal problems), by
     * logger name (the buffer type's class name); default {@link System#getLogger(String)}.
     * Without a {@code System.LoggerFinder} of its own, the JDK sends those to
     * {@code java.util.logging}, which the JVM's own shutdown hook resets as soon as the JVM begins
     * to exit: the lines a buffer writes while a SIGTERM closes it (what it could not deliver and
     * handed over at close) would reach no handler. Give loggers of the application's logging
     * framework here to keep them; the Spring Boot starter does.
     */
    public B loggers(Function<String, System.Logger> loggers) {
        this.loggers = Objects.requireNonNull(loggers, "loggers must not be null");
        return self();
    }

    /** Adds a listener; more can be added to the built buffer. */
    public B listener(BufferListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener must not be null"));
        return self();
    }

    /**
     * Builds the buffer; it starts only when {@link Buffer#start()} is called.
     *
     * @throws IllegalStateException if no processor was set
     */
    public abstract Buffer build();

    /** The journal of a durable buffer, opened (its old segments found, not replayed yet); {@code null} for MEMORY. */
    @Nullable Journal openJournal(int kind, boolean hasCodec, System.Logger log) {
        if (durability == Durability.MEMORY) {
            return null;
        }
        if (journalDirectory == null || !hasCodec) {
            throw new IllegalStateException("Buffer '" + name + "' has durability " + durability + ", which needs "
                    + (journalDirectory == null ? "a journalDirectory" : "a codec") + ": set it before build()");
        }
        return new Journal(name, durability, journalDirectory, journalLimit, kind, journalFiles, partitions, log);
    }

    /** The processor, for {@code build()}; throws when none was set. */
    BatchProcessor<? super E> requireProcessor() {
        BatchProcessor<? super E> set = processor;
        if (set == null) {
            throw new IllegalStateException("Buffer '" + name + "' has no processor: call processor(...) before build()");
        }
        return set;
    }
}

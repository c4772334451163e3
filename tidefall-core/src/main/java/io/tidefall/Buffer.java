package io.tidefall;

import java.util.function.UnaryOperator;

/**
 * A named, partitioned write buffer: writers add to a partition's write table; on every tick (or
 * when a partition fills past its drain threshold) the partition swaps in a fresh table and hands
 * the retired one to the processor, on another thread.
 *
 * <p>Every write that returns normally reaches the processor exactly once, however it races with
 * swaps, flushes and {@link #close()}.
 */
public interface Buffer extends AutoCloseable {

    /** The name given to the builder, used in every message, metric and log line. */
    String name();

    /** The number of independent partitions, fixed at build time. */
    int partitions();

    /**
     * Elements in the write tables of all partitions (not those being drained). Cheap; exact when
     * writers are quiet, a moment's approximation while they write.
     */
    long bufferSize();

    /** Elements in one partition's write table. */
    long bufferSize(int partition);

    /** The options in force now. */
    BufferOptions options();

    /**
     * Applies {@code change} to the current options, atomically: concurrent updates do not lose
     * each other's changes, and an invalid result changes nothing. A new interval re-arms the
     * timers at once.
     *
     * @throws IllegalArgumentException naming the option and value when the result is invalid
     */
    void updateOptions(UnaryOperator<BufferOptions> change);

    /**
     * Arms the partitions' timers. Writes made before are kept and drained after. Calling it
     * again does nothing.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    void start();

    /** Whether {@link #start()} was called and {@link #close()} was not. */
    boolean isRunning();

    /** A snapshot of one partition's state and counters. */
    PartitionStats stats(int partition);

    void addListener(BufferListener listener);

    void removeListener(BufferListener listener);

    /**
     * Swaps and drains every non-empty partition now, and returns when those drains, and any
     * already in flight (waited for first), have finished or timed out.
     */
    void flush();

    /**
     * Stops the timers, refuses new writes with an {@link IllegalStateException} naming the
     * buffer, waits for drains in flight, then drains what is left on threads of its own (shared
     * executors may already refuse work during shutdown), each bounded by the processing timeout.
     * Idempotent.
     */
    @Override
    void close();
}

package io.tidefall;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * A named, partitioned write buffer: writers add to a partition's write table; on every tick (or
 * when a partition fills past its drain threshold) the partition swaps in a fresh table and hands
 * the retired one to the processor, on another thread.
 *
 * <p>Every write that returns normally reaches the processor in one call that returns normally
 * (after any failed attempts, which are retried until the delivery timeout), or the failure
 * handler once, however it races with swaps, flushes and {@link #close()}.
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

    /**
     * Elements of the drains in flight not settled yet: neither delivered nor handed to the
     * failure handler. With {@link #bufferSize()}, every element the buffer holds: during an
     * outage most of them are here, in the retired tables that wait for their retries. Takes each
     * drain's lock briefly; for gauges and endpoints, not for hot paths.
     */
    long drainingSize();

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
     * Drains every partition now: waits for the drain in flight, then swaps a non-empty write
     * table and waits for that drain too. Returns when each partition has delivered (or failed)
     * what it held, or cannot make progress now: a processor call has run past its timeout and
     * not returned, or a failed chunk waits for its retry. What those partitions still hold is
     * reported as pending; it stays buffered and is delivered later, one drain at a time.
     *
     * <p>Returns at the latest one processing timeout after the last processor call that made
     * progress; never starts a second drain beside one in flight.
     */
    FlushResult flush();

    /**
     * {@link #close(Duration)} with a budget of twice the processing timeout: time for the drain
     * in flight and for the final drain.
     */
    @Override
    void close();

    /**
     * Stops the timers, refuses new writes with an {@link IllegalStateException} naming the
     * buffer, lets the drain in flight finish, then drains what is left on threads of its own
     * (shared executors may already refuse work during shutdown), retrying failed chunks as usual.
     * What is not delivered when {@code budget} runs out goes to the failure handler (reason
     * {@link BufferListener.FailureReason#SHUTDOWN}): delivery stops early enough for that hand-over
     * to fit (a fifth of the budget up to 2 s, or more when much is held, at most half), so returns
     * within {@code budget}; a
     * failure handler that does not return is waited for at most one more second per partition.
     * Idempotent: a second call returns at once.
     *
     * @throws IllegalArgumentException if {@code budget} is negative
     */
    void close(Duration budget);
}

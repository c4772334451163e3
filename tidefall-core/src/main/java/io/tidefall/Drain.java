package io.tidefall;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One retired table on its way to the processor: seal, cut into chunks, process each with
 * failure isolation, all within one processing timeout.
 *
 * <pre>
 *   PENDING --claim--> RUNNING --last chunk settled--> DONE
 *                         \--------timeOut()---------> TIMED_OUT
 * </pre>
 *
 * <p>Exactly one thread runs a drain: whichever calls {@link #run()} first (an executor thread, or
 * a thread that a waiter starts because an executor has not started the drain yet and may never).
 * {@link #timeOut()} may be called by the partition's watchdog and by waiters, from any thread.
 *
 * <p>The monitor of this object orders the timeout against the runner, which under it takes each
 * chunk ({@code inProgressEnd}) and settles it ({@code settled}). So at the timeout every element
 * is in exactly one of three places: settled (delivered or failed), held by the processor (the
 * chunk in progress, which settles late, when the call returns), or not started (handed over as
 * failed by {@code timeOut()} at once). No element is both delivered and handed over, and exactly
 * one of runner and timeout finishes the drain.
 */
final class Drain<E> implements Runnable {

    private enum State { PENDING, RUNNING, DONE, TIMED_OUT }

    private final Partition<E, ?> partition;
    private final WriteTable<E> table;
    private final BatchSize batchSize;
    private final Duration timeout;
    private final int retries;
    private final Duration retryBackoff;
    private final CountDownLatch finished = new CountDownLatch(1);

    // Guarded by this. Only the runner moves `settled` forward; timeOut() only reads it.
    private State state = State.PENDING;
    private Thread runner;
    private long startNanos;
    private List<E> elements = List.of();
    private int size;
    private int settled;
    private int delivered;
    /** The end of the chunk the processor has now; equal to {@code settled} between chunks. */
    private int inProgressEnd;
    private int failed;
    private Scheduler.Cancellable watchdog;
    private boolean returned;

    Drain(Partition<E, ?> partition, WriteTable<E> table, BufferOptions options) {
        this.partition = partition;
        this.table = table;
        this.batchSize = options.processingBatchSize();
        this.timeout = options.processingTimeout();
        this.retries = options.processingRetries();
        this.retryBackoff = options.retryBackoff();
    }

    /** Runs the drain on the calling thread, unless another thread already has. */
    @Override
    public void run() {
        synchronized (this) {
            if (state != State.PENDING) {
                return;
            }
            state = State.RUNNING;
            runner = Thread.currentThread();
            startNanos = System.nanoTime();
        }
        Scheduler.Cancellable timer = partition.watch(this, timeout);
        synchronized (this) {
            if (state == State.RUNNING) {
                watchdog = timer;
                timer = null;
            }
        }
        if (timer != null) {
            timer.cancel(); // finished already (a waiter timed it out meanwhile)
        }
        try {
            process();
        } finally {
            synchronized (this) {
                returned = true;
            }
        }
    }

    /** Whether the runner has come back from the processor, even after a timeout. */
    synchronized boolean hasReturned() {
        return returned;
    }

    private void process() {
        table.seal();
        List<E> elements = table.drain();
        synchronized (this) {
            this.elements = elements;
            size = elements.size();
        }
        if (!elements.isEmpty()) { // empty only for a HashMap whose keys were deleted before the swap
            partition.drainStarted(elements.size());
        }
        int chunk = batchSize.isTable() ? Math.max(1, elements.size()) : batchSize.size();
        for (int from = 0; from < elements.size(); from += chunk) {
            int to = Math.min(elements.size(), from + chunk);
            synchronized (this) {
                if (state != State.RUNNING) {
                    Thread.interrupted(); // the timeout's interrupt was meant for the processor, not this thread's next task
                    return; // timed out between two chunks: timeOut() has handed over this one and the rest
                }
                inProgressEnd = to;
            }
            // In table mode the list itself is handed over: the processor owns it from now on.
            List<E> batch = batchSize.isTable() ? elements : elements.subList(from, to);
            Throwable failure = processWithRetries(batch);
            if (!settle(batch, failure)) {
                return; // timed out during this chunk: its late outcome is reported, timeOut() handled the rest
            }
        }
        int lost;
        synchronized (this) {
            if (state != State.RUNNING) {
                Thread.interrupted(); // the timeout's interrupt was meant for the processor, not this thread's next task
                return;
            }
            state = State.DONE;
            lost = failed;
        }
        finish(lost, false);
    }

    /**
     * Offers {@code batch} to the processor up to {@code 1 + retries} times, {@code retryBackoff}
     * apart; returns the last failure, or {@code null}. The timeout's interrupt ends the backoff.
     */
    private Throwable processWithRetries(List<E> batch) {
        Throwable failure = partition.process(batch);
        for (int attempt = 0; failure != null && attempt < retries && isRunning(); attempt++) {
            try {
                TimeUnit.NANOSECONDS.sleep(retryBackoff.toNanos());
            } catch (InterruptedException timedOut) {
                Thread.currentThread().interrupt(); // settle() sees the timeout and clears it
                return failure;
            }
            if (!isRunning()) {
                return failure; // timed out during the backoff: the chunk belongs to the failure report now
            }
            failure = partition.process(batch);
        }
        return failure;
    }

    private synchronized boolean isRunning() {
        return state == State.RUNNING;
    }

    /**
     * Records a chunk's outcome; {@code false} when the drain had timed out while the processor had
     * the chunk. Such a chunk is not part of what timeOut() handed over: its outcome arrives here,
     * late, and counts as it really went, so no element is both delivered and handed to the
     * failure handler.
     */
    private boolean settle(List<E> batch, Throwable failure) {
        boolean late;
        synchronized (this) {
            late = state != State.RUNNING;
            if (late) {
                Thread.interrupted(); // the timeout's interrupt was meant for the processor, not this thread's next task
            } else {
                settled += batch.size();
                if (failure != null) {
                    failed += batch.size();
                } else {
                    delivered += batch.size();
                }
            }
        }
        if (late) {
            partition.lateChunk(batch.size(), failure);
        }
        if (failure != null) {
            partition.chunkFailed(List.copyOf(batch), late ? timeoutException(failure) : failure,
                    late ? BufferListener.FailureReason.TIMEOUT : BufferListener.FailureReason.EXCEPTION);
        }
        return !late;
    }

    /**
     * Ends a drain that has run past its timeout: the chunks the processor has not started are
     * handed over as failed, the runner is interrupted and the partition is free to drain again.
     * The chunk the processor has, if any, stays with it: whether it is delivered or failed is
     * known only when the processor returns (see {@link #settle}). Does nothing for a drain that
     * is pending, finished, or still within its time.
     */
    void timeOut() {
        List<E> unprocessed;
        int lost;
        synchronized (this) {
            if (state != State.RUNNING || System.nanoTime() - startNanos < timeout.toNanos()) {
                return;
            }
            state = State.TIMED_OUT;
            // A copy: in table mode the processor owns the list and may still be using it.
            unprocessed = inProgressEnd < size ? List.copyOf(elements.subList(inProgressEnd, size)) : List.of();
            failed += unprocessed.size();
            lost = failed;
            // Under the monitor, so the runner can tell, when it next settles, that the flag is ours.
            runner.interrupt();
        }
        if (!unprocessed.isEmpty()) {
            partition.chunkFailed(unprocessed, timeoutException(null), BufferListener.FailureReason.TIMEOUT);
        }
        finish(lost, true);
    }

    private TimeoutException timeoutException(Throwable processorFailure) {
        TimeoutException timedOut = new TimeoutException("Drain of buffer '" + partition.bufferName()
                + "' partition " + partition.index() + " exceeded processingTimeout " + timeout);
        if (processorFailure != null) {
            timedOut.initCause(processorFailure);
        }
        return timedOut;
    }

    private void finish(int lost, boolean timedOut) {
        int total;
        int ok;
        Scheduler.Cancellable timer;
        synchronized (this) {
            total = size;
            ok = delivered;
            timer = watchdog;
            watchdog = null;
        }
        if (timer != null) {
            timer.cancel(); // before anyone learns the drain is over, so no timer outlives it
        }
        partition.drainFinished(this, total, ok, lost, timedOut, Duration.ofNanos(System.nanoTime() - startNanos));
        finished.countDown();
    }

    /**
     * Waits until the drain has finished, ending it at its timeout if no one else does. A drain
     * that no executor has started yet is started on a thread of its own first: an executor that
     * stopped taking work must not strand a retired table.
     */
    void await() {
        if (isPending()) {
            Partition.startThread(partition.bufferName() + "-" + partition.index() + "-drain", this);
        }
        boolean interrupted = false;
        try {
            for (;;) {
                long remaining;
                synchronized (this) {
                    remaining = state == State.PENDING
                            ? timeout.toNanos()
                            : timeout.toNanos() - (System.nanoTime() - startNanos);
                }
                try {
                    if (finished.await(Math.max(0, remaining), TimeUnit.NANOSECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true; // keep waiting: the caller is promised a finished drain
                }
                timeOut();
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized boolean isPending() {
        return state == State.PENDING;
    }
}

package io.tidefall;

import io.tidefall.ChunkLedger.Chunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

/**
 * What becomes of a chunk once its processor call returned, carried out: delivered, offered again
 * after a pause, split, or handed to the failure handler ({@link DeliveryDecision} decides), each
 * counted in the drain's {@link ChunkLedger} and its partition's {@link PartitionCounters}. It also
 * keeps what a retrying drain shows in its stats: since when a chunk has been failing, and why.
 *
 * <p>Its fields and the ledger are guarded by the monitor of the drain's {@link DrainState}; it
 * takes the monitor itself and calls user code (the retry policy, listeners, the failure
 * handler) without it.
 *
 * @param <E> the element type the processor receives
 */
final class ChunkSettlement<E> {

    private final BufferContext<E> context;
    private final Ticker ticker;
    private final PartitionCounters counters;
    private final int partition;
    private final DrainState state;
    private final ChunkLedger<E> ledger;

    // Guarded by state.
    /** Since when (epoch milliseconds) a chunk has been failing, or 0; a delivery or a failure ends it. */
    private long retryingSinceMillis;
    private @Nullable Throwable retryCause;

    ChunkSettlement(BufferContext<E> context, PartitionCounters counters, DrainState state, ChunkLedger<E> ledger) {
        this.context = context;
        this.ticker = context.ticker();
        this.counters = counters;
        this.partition = counters.partition();
        this.state = state;
        this.ledger = ledger;
    }

    /** The processor returned normally for {@code chunk}. */
    void delivered(Chunk chunk) {
        ChunkLedger.Verdict verdict;
        synchronized (state) {
            verdict = ledger.delivered(chunk);
            retryingSinceMillis = 0;
            retryCause = null;
        }
        counters.settled(chunk.size(), 0);
        carryOut(verdict, null);
    }

    /** The processor failed on {@code chunk} with {@code cause}: retry, split or fail it, as the decision says. */
    void failed(Chunk chunk, Throwable cause, boolean tookTooLong) {
        chunk.attempts++;
        boolean retryable;
        try {
            retryable = context.retryPolicy().isRetryable(cause);
        } catch (Throwable policyFailed) {
            retryable = false; // see RetryPolicy: a policy that throws calls the failure permanent
        }
        long now = ticker.read();
        DeliveryDecision decision;
        ChunkLedger.Verdict verdict = null;
        int firstRetries = 0;
        synchronized (state) {
            if (state.isFinished()) {
                // A close handed the drain over between the call's return and now: that hand-over did
                // not see this chunk (no longer taken, not yet put back), so it goes to the handler here.
                decision = new DeliveryDecision(DeliveryDecision.Action.FAIL_CLOSING, 0);
            } else {
                decision = DeliveryDecision.decide(chunk.attempts, retryable, chunk.size(), chunk.firstAttemptNanos,
                        now, state.closeDeadlineNanos(), context.options().get(), ThreadLocalRandom.current().nextDouble());
            }
            if (decision.action() == DeliveryDecision.Action.RETRY) {
                ledger.retryLater(chunk, now + decision.pauseNanos());
                firstRetries = ledger.firstRetries(List.of(chunk));
                if (retryingSinceMillis == 0) {
                    retryingSinceMillis = ticker.wallMillis();
                }
                retryCause = cause;
            } else if (decision.action() == DeliveryDecision.Action.SPLIT) {
                ledger.split(chunk); // only the elements it fails on are given up
            } else if (decision.action() == DeliveryDecision.Action.FAIL && !retryable && chunk.narrowing != null) {
                chunk.failure = cause; // alone and permanent: poison, or the sink's failure? See ChunkLedger.
                verdict = ledger.suspect(chunk);
            }
        }
        switch (decision.action()) {
            case RETRY -> counters.retrying(chunk.size(), firstRetries, chunk.attempts, cause, Duration.ofNanos(decision.pauseNanos()));
            case SPLIT -> {
            }
            case FAIL_CLOSING -> fail(chunk, closing(cause), BufferListener.FailureReason.SHUTDOWN);
            case FAIL -> {
                if (verdict != null) {
                    carryOut(verdict, cause);
                } else {
                    fail(chunk, cause, tookTooLong ? BufferListener.FailureReason.TIMEOUT : BufferListener.FailureReason.EXCEPTION);
                }
            }
        }
    }

    /**
     * Carries out the verdict on a narrowing's suspects: poison goes to the failure handler with
     * the failure it met alone; runs whose every element failed alone (the sink failed, not the
     * data) are retried as a transient failure, until the delivery deadline.
     */
    private void carryOut(ChunkLedger.Verdict verdict, @Nullable Throwable cause) {
        for (Chunk poison : verdict.poison()) {
            Throwable why = poison.failure != null ? poison.failure : cause;
            fail(poison, why != null ? why : new IllegalStateException("failed alone"), BufferListener.FailureReason.EXCEPTION);
        }
        List<Chunk> runs = verdict.retry();
        if (runs.isEmpty()) {
            return;
        }
        Chunk first = runs.get(0);
        Throwable why = cause != null ? cause : first.failure;
        Throwable sinkFailure = why != null ? why : new IllegalStateException("every element failed alone");
        long now = ticker.read();
        DeliveryDecision decision;
        int elements = runs.stream().mapToInt(Chunk::size).sum();
        int firstRetries = 0;
        synchronized (state) {
            decision = state.isFinished() // handed over meanwhile, without these runs: see failed()
                    ? new DeliveryDecision(DeliveryDecision.Action.FAIL_CLOSING, 0)
                    : DeliveryDecision.decide(first.attempts, true, elements, first.firstAttemptNanos, now,
                            state.closeDeadlineNanos(), context.options().get(), ThreadLocalRandom.current().nextDouble());
            if (decision.action() == DeliveryDecision.Action.RETRY) {
                ledger.retryLater(runs, now + decision.pauseNanos());
                firstRetries = ledger.firstRetries(runs);
                if (retryingSinceMillis == 0) {
                    retryingSinceMillis = ticker.wallMillis();
                }
                retryCause = sinkFailure;
            }
        }
        switch (decision.action()) {
            case RETRY -> counters.retrying(elements, firstRetries, first.attempts, sinkFailure, Duration.ofNanos(decision.pauseNanos()));
            case FAIL_CLOSING -> runs.forEach(run -> fail(run, closing(sinkFailure), BufferListener.FailureReason.SHUTDOWN));
            default -> runs.forEach(run -> fail(run, sinkFailure, BufferListener.FailureReason.EXCEPTION));
        }
    }

    /**
     * The same cause as a hand-over at the end of the close budget, whichever comes first; the
     * processor's failure stays readable as its cause.
     */
    private TimeoutException closing(Throwable cause) {
        TimeoutException budget = new TimeoutException("Buffer '" + context.name() + "' partition " + partition
                + " was closing and its close budget would run out before the next retry of these elements");
        budget.initCause(cause);
        return budget;
    }

    private void fail(Chunk chunk, Throwable cause, BufferListener.FailureReason reason) {
        List<E> lost;
        ChunkLedger.Verdict verdict;
        synchronized (state) {
            lost = new ArrayList<>(ledger.batchOf(chunk));
            verdict = ledger.failed(chunk);
            retryingSinceMillis = 0;
            retryCause = null;
        }
        counters.settled(0, chunk.size());
        context.failures().report(partition, lost, cause, reason);
        carryOut(verdict, cause);
    }

    /** A call returned after a close had handed its chunk to the failure handler (it ran past the budget). */
    void returnedAfterHandOver(Chunk chunk, boolean normally) {
        if (normally) {
            context.log().log(System.Logger.Level.WARNING, "Buffer ''{0}'' partition {1}: a processor call "
                    + "returned normally after the close budget had handed its {2} element(s) to the failure "
                    + "handler; they went both ways", context.name(), partition, chunk.size());
        }
    }

    /** Elements a close took out of the ledger ({@link ChunkLedger#takeUnsettled()}) go to the failure handler. */
    void handedOver(List<E> rest, Throwable cause, BufferListener.FailureReason reason) {
        if (!rest.isEmpty()) {
            counters.settled(0, rest.size());
            context.failures().report(partition, rest, cause, reason);
        }
    }

    long retryingSinceMillis() {
        synchronized (state) {
            return retryingSinceMillis;
        }
    }

    @Nullable Throwable retryCause() {
        synchronized (state) {
            return retryCause;
        }
    }
}

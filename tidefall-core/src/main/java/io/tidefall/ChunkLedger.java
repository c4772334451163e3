package io.tidefall;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where each element of one drained table is, from the moment the table is read until every
 * element is settled: delivered, failed, in the processor's hands (the {@linkplain #take taken}
 * chunk), waiting in a chunk cut earlier (a retry, the halves of a split), or in the tail not cut
 * yet. Each element is in exactly one of these places at any moment, which is what lets a close
 * hand over exactly the unsettled ones ({@link #takeUnsettled}).
 *
 * <p>Chunks are offered head first: a chunk put back for a retry, or split, goes to the head, so it
 * is offered again before anything after it and a queue's order holds.
 *
 * <p><b>Narrowing.</b> A chunk that fails permanently is split until its single elements are
 * tried alone. An element that fails alone is poison only if another element of the same failed
 * chunk passed: when every element fails, the failure belongs to the sink (a missing table, a
 * revoked grant), not to the data. So a single element that fails while none of its
 * {@link Narrowing} has passed yet is <em>suspected</em> and parked, still unsettled; once no piece
 * of the narrowing is open, the suspects are judged ({@link Verdict}): if something passed after
 * they failed, each is offered once more alone (the sink may have come back meanwhile; failing
 * again, it is poison); else they are put back together, in runs of adjacent elements, to be
 * retried as a transient failure.
 *
 * <p>Not thread-safe: the {@link Drain} that owns a ledger guards it with its monitor.
 *
 * @param <E> the element type the processor receives
 */
final class ChunkLedger<E> {

    /** A range of the drained elements offered to the processor as one batch, with its retry history. */
    static final class Chunk {
        final int from;
        final int to;
        /** When it was first offered (the ticker's nanoseconds), for the delivery deadline; 0 before. */
        long firstAttemptNanos;
        int attempts;
        /** Not to be offered again before this moment (the ticker's nanoseconds). */
        long notBeforeNanos;
        /** The permanent failure this chunk is a piece of, while it is narrowed down; else {@code null}. */
        @Nullable Narrowing narrowing;
        /** Why a suspect failed: what the failure handler hears if it turns out poison. */
        @Nullable Throwable failure;

        Chunk(int from, int to) {
            this.from = from;
            this.to = to;
        }

        int size() {
            return to - from;
        }

        @Override
        public String toString() {
            return "[" + from + ", " + to + ")";
        }
    }

    /**
     * The pieces of one chunk that failed permanently, while they are tried apart. {@code open}
     * counts the pieces neither settled nor suspected; {@code delivered} the elements that passed.
     */
    static final class Narrowing {
        final int from;
        final int to;
        final long firstAttemptNanos;
        final int attempts;
        int open;
        int delivered;
        final List<Chunk> suspects = new ArrayList<>();

        Narrowing(Chunk failed) {
            this.from = failed.from;
            this.to = failed.to;
            this.firstAttemptNanos = failed.firstAttemptNanos;
            this.attempts = failed.attempts;
        }
    }

    /**
     * What became of the suspects of a narrowing once none of its pieces was open: {@code poison}
     * (something else passed) for the failure handler, or {@code retry} (nothing passed: the sink
     * failed), runs of adjacent elements not yet queued, each with the failed chunk's history.
     */
    record Verdict(List<Chunk> poison, List<Chunk> retry) {
        static final Verdict NONE = new Verdict(List.of(), List.of());
    }

    private final BatchSize batchSize;
    /** {@code null} until the table has been read. */
    private @Nullable List<E> elements;
    /** Elements (by index) some retry was already counted for, so that logs count elements, not attempts; {@code null} before the first. */
    private @Nullable BitSet retryCounted;
    private int size;
    /** Where the tail not yet cut into chunks begins. */
    private int nextFrom;
    /** Chunks cut and not offered yet, or put back; the head is offered next. */
    private final Deque<Chunk> waiting = new ArrayDeque<>();
    /** The chunk in the processor's hands, or {@code null}. */
    private @Nullable Chunk taken;
    /** Suspects waiting for the verdict on their narrowing. */
    private final List<Chunk> parked = new ArrayList<>();
    private int delivered;
    private int failed;

    ChunkLedger(BatchSize batchSize) {
        this.batchSize = batchSize;
    }

    /** The drained table, in the order the processor is to see it; its size is fixed from now on. */
    void load(List<E> drained) {
        elements = drained;
        size = drained.size();
    }

    /** The same elements in another order (sorted); only before the first chunk is cut. */
    void reorder(List<E> ordered) {
        if (ordered.size() != size || nextFrom != 0) {
            throw new IllegalStateException("a reordering must keep every element and come before the first chunk");
        }
        elements = ordered;
    }

    boolean isLoaded() {
        return elements != null;
    }

    /** Elements of the drained table; 0 before it was read. */
    int size() {
        return size;
    }

    /**
     * The chunk to offer next, left at the head until it is {@linkplain #take taken}: a chunk put
     * back, or else a new one cut from the tail. {@code null} when nothing is left to offer.
     */
    @Nullable Chunk next() {
        if (waiting.isEmpty() && nextFrom < size) {
            int to = batchSize.isTable() ? size : (int) Math.min(size, (long) nextFrom + batchSize.size());
            waiting.addFirst(new Chunk(nextFrom, to));
            nextFrom = to;
        }
        return waiting.peekFirst();
    }

    /** Moves the head chunk, which {@link #next()} returned, into the processor's hands. */
    void take(Chunk chunk) {
        if (waiting.peekFirst() != chunk || taken != null) {
            throw new IllegalStateException("only the head chunk can be taken, one at a time");
        }
        waiting.removeFirst();
        taken = chunk;
    }

    /** The call on the taken chunk returned; its chunk is settled or put back next. */
    void returned() {
        taken = null;
    }

    /** Puts a chunk that failed back at the head, to be offered again from {@code notBeforeNanos} on. */
    void retryLater(Chunk chunk, long notBeforeNanos) {
        chunk.notBeforeNanos = notBeforeNanos;
        waiting.addFirst(chunk);
    }

    /**
     * Puts the two halves of a chunk that failed permanently back at the head, first half first;
     * they keep its deadline, and belong to its narrowing.
     */
    void split(Chunk chunk) {
        Narrowing narrowing = chunk.narrowing;
        if (narrowing == null) {
            narrowing = new Narrowing(chunk);
            narrowing.open = 1;
        }
        narrowing.open++; // one piece became two
        int middle = chunk.from + chunk.size() / 2;
        Chunk first = new Chunk(chunk.from, middle);
        Chunk second = new Chunk(middle, chunk.to);
        first.firstAttemptNanos = second.firstAttemptNanos = chunk.firstAttemptNanos;
        first.narrowing = second.narrowing = narrowing;
        waiting.addFirst(second);
        waiting.addFirst(first);
    }

    /** The processor returned normally for {@code chunk}. */
    Verdict delivered(Chunk chunk) {
        delivered += chunk.size();
        Narrowing narrowing = chunk.narrowing;
        if (narrowing == null) {
            return Verdict.NONE;
        }
        narrowing.delivered += chunk.size();
        narrowing.open--;
        return judge(narrowing);
    }

    /** {@code chunk} goes to the failure handler. */
    Verdict failed(Chunk chunk) {
        failed += chunk.size();
        Narrowing narrowing = chunk.narrowing;
        if (narrowing == null) {
            return Verdict.NONE;
        }
        narrowing.open--;
        chunk.narrowing = null;
        return judge(narrowing);
    }

    /**
     * A single element of a narrowing failed permanently. Poison at once if another element of its
     * narrowing passed before (the verdict names it; the caller fails it); else it is parked until
     * the narrowing is judged: retried as the sink's failure if nothing passed, offered alone once
     * more if something passed after it failed.
     */
    Verdict suspect(Chunk single) {
        Narrowing narrowing = single.narrowing;
        if (narrowing == null || single.size() != 1) {
            throw new IllegalStateException("only a single element of a narrowing can be suspected");
        }
        if (narrowing.delivered > 0) {
            return new Verdict(List.of(single), List.of());
        }
        narrowing.open--;
        narrowing.suspects.add(single);
        parked.add(single);
        return judge(narrowing);
    }

    /** Once no piece of {@code narrowing} is open: what becomes of its suspects. */
    private Verdict judge(Narrowing narrowing) {
        if (narrowing.open > 0 || narrowing.suspects.isEmpty()) {
            return Verdict.NONE;
        }
        List<Chunk> suspects = new ArrayList<>(narrowing.suspects);
        narrowing.suspects.clear();
        parked.removeAll(suspects);
        suspects.forEach(suspect -> suspect.narrowing = null); // settled on their own from here on
        suspects.sort((a, b) -> Integer.compare(a.from, b.from));
        if (narrowing.delivered > 0) {
            // They failed alone before any piece passed, so perhaps while the sink itself failed (a table
            // re-created mid-narrowing): each is offered once more, alone. Failing again now that the sink
            // took writes, it is poison (a single element outside a narrowing goes to the failure handler).
            List<Chunk> again = new ArrayList<>(suspects.size());
            for (Chunk suspect : suspects) {
                Chunk retry = new Chunk(suspect.from, suspect.to);
                retry.firstAttemptNanos = narrowing.firstAttemptNanos;
                retry.attempts = narrowing.attempts;
                again.add(retry);
            }
            return new Verdict(List.of(), again);
        }
        List<Chunk> runs = new ArrayList<>();
        Chunk run = null;
        for (Chunk suspect : suspects) {
            if (run != null && run.to == suspect.from) {
                run = new Chunk(run.from, suspect.to);
                runs.set(runs.size() - 1, run);
            } else {
                run = new Chunk(suspect.from, suspect.to);
                runs.add(run);
            }
        }
        for (Chunk retry : runs) {
            retry.firstAttemptNanos = narrowing.firstAttemptNanos;
            retry.attempts = narrowing.attempts;
        }
        return new Verdict(List.of(), runs);
    }

    /** Puts the runs of a verdict back at the head, in order, to be offered from {@code notBeforeNanos} on. */
    void retryLater(List<Chunk> runs, long notBeforeNanos) {
        for (int i = runs.size() - 1; i >= 0; i--) {
            retryLater(runs.get(i), notBeforeNanos);
        }
    }

    int deliveredCount() {
        return delivered;
    }

    int failedCount() {
        return failed;
    }

    /**
     * Marks the elements of {@code chunks} as retried and returns how many were not marked before:
     * a chunk retried ten times, or split and retried in pieces, counts its elements once.
     */
    int firstRetries(List<Chunk> chunks) {
        if (retryCounted == null) {
            retryCounted = new BitSet(size);
        }
        int first = 0;
        for (Chunk chunk : chunks) {
            first += chunk.size() - retryCounted.get(chunk.from, chunk.to).cardinality();
            retryCounted.set(chunk.from, chunk.to);
        }
        return first;
    }

    /** Elements neither delivered nor failed. */
    int unsettledCount() {
        return size - delivered - failed;
    }

    /**
     * The elements of {@code chunk}: the drained list itself when one chunk is the whole table (the
     * processor owns it then, and may even shrink it), else a view of its range.
     */
    List<E> batchOf(Chunk chunk) {
        List<E> all = loaded();
        if (chunk.from == 0 && chunk.to == size && batchSize.isTable()) {
            return all;
        }
        int end = Math.min(chunk.to, all.size()); // a processor that owned the whole list may have shrunk it
        return all.subList(Math.min(chunk.from, end), end);
    }

    /**
     * Takes every element not settled out of the ledger, counting them as failed: the taken chunk,
     * the chunks waiting, the tail. Afterwards nothing is left to offer.
     */
    List<E> takeUnsettled() {
        List<E> rest = new ArrayList<>();
        if (elements == null) {
            return rest;
        }
        if (taken != null) {
            rest.addAll(batchOf(taken));
            taken = null;
        }
        for (Chunk suspect : parked) {
            rest.addAll(batchOf(suspect));
        }
        parked.clear();
        for (Chunk chunk : waiting) {
            rest.addAll(batchOf(chunk));
        }
        if (nextFrom < size) {
            rest.addAll(elements.subList(nextFrom, Math.min(size, elements.size())));
        }
        failed += rest.size();
        waiting.clear();
        nextFrom = size;
        return rest;
    }

    private List<E> loaded() {
        List<E> all = elements;
        if (all == null) {
            throw new IllegalStateException("the table has not been read yet");
        }
        return all;
    }
}

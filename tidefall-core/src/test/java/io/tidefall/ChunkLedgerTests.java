package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidefall.ChunkLedger.Chunk;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The drain's bookkeeping on its own: no threads, no processor, no clock. */
class ChunkLedgerTests {

    private static List<Integer> upTo(int n) {
        return new ArrayList<>(IntStream.range(0, n).boxed().toList());
    }

    private static ChunkLedger<Integer> loaded(BatchSize batchSize, int n) {
        ChunkLedger<Integer> ledger = new ChunkLedger<>(batchSize);
        ledger.load(upTo(n));
        return ledger;
    }

    /** Offers every chunk in turn, each delivered at once; returns the batches in the order offered. */
    private static List<List<Integer>> deliverAll(ChunkLedger<Integer> ledger) {
        List<List<Integer>> batches = new ArrayList<>();
        for (Chunk chunk = ledger.next(); chunk != null; chunk = ledger.next()) {
            ledger.take(chunk);
            batches.add(List.copyOf(ledger.batchOf(chunk)));
            ledger.returned();
            ledger.delivered(chunk);
        }
        return batches;
    }

    @Test
    void cutsTheTableIntoBatchesOfTheBatchSizeInOrder() {
        ChunkLedger<Integer> ledger = loaded(BatchSize.of(3), 7);

        assertThat(deliverAll(ledger)).containsExactly(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6));
        assertThat(ledger.deliveredCount()).isEqualTo(7);
        assertThat(ledger.unsettledCount()).isZero();
    }

    @Test
    void inTableModeTheProcessorGetsTheDrainedListItself() {
        List<Integer> drained = upTo(4);
        ChunkLedger<Integer> ledger = new ChunkLedger<>(BatchSize.TABLE);
        ledger.load(drained);

        Chunk whole = ledger.next();
        assertThat(whole).isNotNull();
        assertThat(ledger.batchOf(whole)).isSameAs(drained);
        drained.remove(3); // the processor owns it, and may shrink it
        ledger.take(whole);
        assertThat(ledger.takeUnsettled()).containsExactly(0, 1, 2);
    }

    @Test
    void aChunkPutBackForARetryIsOfferedBeforeAnythingAfterIt() {
        ChunkLedger<Integer> ledger = loaded(BatchSize.of(2), 6);
        Chunk first = ledger.next();
        ledger.take(first);
        ledger.returned();
        ledger.retryLater(first, 42);

        assertThat(ledger.next()).isSameAs(first);
        assertThat(first.notBeforeNanos).isEqualTo(42);
        assertThat(deliverAll(ledger)).containsExactly(List.of(0, 1), List.of(2, 3), List.of(4, 5));
    }

    @Test
    void aSplitChunkIsOfferedAsItsTwoHalvesFirstHalfFirstKeepingItsDeadline() {
        ChunkLedger<Integer> ledger = loaded(BatchSize.of(5), 7);
        Chunk chunk = ledger.next();
        chunk.firstAttemptNanos = 7;
        ledger.take(chunk);
        ledger.returned();
        ledger.split(chunk);

        Chunk firstHalf = ledger.next();
        assertThat(firstHalf.firstAttemptNanos).isEqualTo(7);
        assertThat(deliverAll(ledger)).containsExactly(List.of(0, 1), List.of(2, 3, 4), List.of(5, 6));
    }

    @Test
    void takeUnsettledHandsOverTheTakenChunkTheWaitingChunksAndTheTailEachElementOnce() {
        ChunkLedger<Integer> ledger = loaded(BatchSize.of(2), 9);
        Chunk delivered = ledger.next(); // [0, 2) delivered
        ledger.take(delivered);
        ledger.returned();
        ledger.delivered(delivered);
        Chunk failedOnce = ledger.next(); // [2, 4) split into [2, 3) and [3, 4)
        ledger.take(failedOnce);
        ledger.returned();
        ledger.split(failedOnce);
        Chunk inHand = ledger.next(); // [2, 3) in the processor's hands
        ledger.take(inHand);

        List<Integer> rest = ledger.takeUnsettled();

        assertThat(rest).containsExactly(2, 3, 4, 5, 6, 7, 8);
        assertThat(ledger.failedCount()).isEqualTo(7);
        assertThat(ledger.unsettledCount()).isZero();
        assertThat(ledger.next()).isNull();
        assertThat(ledger.takeUnsettled()).isEmpty();
    }

    @Test
    void beforeTheTableIsReadNothingIsOfferedOrHandedOver() {
        ChunkLedger<Integer> ledger = new ChunkLedger<>(BatchSize.of(2));

        assertThat(ledger.isLoaded()).isFalse();
        assertThat(ledger.next()).isNull();
        assertThat(ledger.takeUnsettled()).isEmpty();
    }

    @Test
    void refusesToTakeAnythingButTheHeadOrTwoChunksAtOnce() {
        ChunkLedger<Integer> ledger = loaded(BatchSize.of(1), 3);
        Chunk head = ledger.next();
        Chunk stranger = new Chunk(1, 2);

        assertThatThrownBy(() -> ledger.take(stranger)).isInstanceOf(IllegalStateException.class);
        ledger.take(head);
        ledger.next();
        assertThatThrownBy(() -> ledger.take(ledger.next())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReorderingMustKeepEveryElementAndComeFirst() {
        ChunkLedger<Integer> ledger = loaded(BatchSize.of(2), 3);

        assertThatThrownBy(() -> ledger.reorder(List.of(1))).isInstanceOf(IllegalStateException.class);
        ledger.reorder(List.of(2, 1, 0));
        assertThat(deliverAll(ledger)).containsExactly(List.of(2, 1), List.of(0));
        assertThatThrownBy(() -> ledger.reorder(List.of(0, 1, 2))).isInstanceOf(IllegalStateException.class);
    }

    /** Splits the head chunk, as a permanent failure of it does, and returns the new head. */
    private static Chunk failAndSplit(ChunkLedger<Integer> ledger) {
        Chunk chunk = ledger.next();
        ledger.take(chunk);
        ledger.returned();
        ledger.split(chunk);
        return ledger.next();
    }

    /** Takes the head, a single element, and suspects it. */
    private static ChunkLedger.Verdict suspectHead(ChunkLedger<Integer> ledger) {
        Chunk single = ledger.next();
        ledger.take(single);
        ledger.returned();
        return ledger.suspect(single);
    }

    @Test
    void whenEverySingleOfANarrowingIsSuspectedTheyAreJudgedTheSinksFailureAndPutBackTogether() {
        ChunkLedger<Integer> ledger = loaded(BatchSize.of(4), 4);
        ledger.next().attempts = 1;
        failAndSplit(ledger); // [0, 2) [2, 4)
        failAndSplit(ledger); // [0, 1) [1, 2) [2, 4)
        assertThat(suspectHead(ledger)).isEqualTo(ChunkLedger.Verdict.NONE);
        assertThat(suspectHead(ledger)).isEqualTo(ChunkLedger.Verdict.NONE);
        failAndSplit(ledger); // [2, 3) [3, 4)
        assertThat(suspectHead(ledger)).isEqualTo(ChunkLedger.Verdict.NONE);
        assertThat(ledger.unsettledCount()).as("suspects stay unsettled").isEqualTo(4);

        ChunkLedger.Verdict verdict = suspectHead(ledger);

        assertThat(verdict.poison()).isEmpty();
        assertThat(verdict.retry()).singleElement().satisfies(run -> {
            assertThat(run.from).isZero();
            assertThat(run.to).isEqualTo(4);
            assertThat(run.attempts).as("the failed chunk's history").isEqualTo(1);
            assertThat(run.narrowing).isNull();
        });
        ledger.retryLater(verdict.retry(), 0);
        assertThat(deliverAll(ledger)).containsExactly(List.of(0, 1, 2, 3));
    }

    @Test
    void suspectsOfANarrowingInWhichSomethingPassedAfterThemAreOfferedOnceMoreAlone() {
        ChunkLedger<Integer> ledger = loaded(BatchSize.of(4), 4);
        failAndSplit(ledger); // [0, 2) [2, 4)
        failAndSplit(ledger); // [0, 1) [1, 2) [2, 4)
        assertThat(suspectHead(ledger)).isEqualTo(ChunkLedger.Verdict.NONE); // 0, before anything passed

        Chunk one = ledger.next();
        ledger.take(one);
        ledger.returned();
        assertThat(ledger.delivered(one)).as("[2, 4) is still open").isEqualTo(ChunkLedger.Verdict.NONE);
        Chunk rest = ledger.next();
        ledger.take(rest);
        ledger.returned();
        ChunkLedger.Verdict verdict = ledger.delivered(rest);

        assertThat(verdict.poison()).isEmpty();
        assertThat(verdict.retry()).singleElement().satisfies(again -> {
            assertThat(again.from).isZero();
            assertThat(again.size()).isOne();
            assertThat(again.narrowing).as("alone, outside the narrowing: failing again, it is poison").isNull();
        });
        ledger.retryLater(verdict.retry(), 0);
        Chunk again = ledger.next();
        ledger.take(again);
        ledger.returned();
        assertThat(ledger.failed(again)).isEqualTo(ChunkLedger.Verdict.NONE);
        assertThat(ledger.unsettledCount()).isZero();
    }

    @Test
    void aSuspectAfterSomethingPassedIsPoisonAtOnceAndAParkedOneIsHandedOverAtClose() {
        ChunkLedger<Integer> ledger = loaded(BatchSize.of(4), 4);
        failAndSplit(ledger); // [0, 2) [2, 4)
        failAndSplit(ledger); // [0, 1) [1, 2) [2, 4)
        assertThat(suspectHead(ledger)).isEqualTo(ChunkLedger.Verdict.NONE); // 0 parked
        Chunk one = ledger.next();
        ledger.take(one);
        ledger.returned();
        ledger.delivered(one);
        failAndSplit(ledger); // [2, 3) [3, 4)

        assertThat(suspectHead(ledger).poison()).as("2 fails alone after 1 passed").hasSize(1);
        assertThat(ledger.takeUnsettled()).as("the parked 0 and the waiting 3; the poison 2 is for its caller to fail")
                .containsExactly(0, 3);
    }
}

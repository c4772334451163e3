package io.tidefall;

import static io.tidefall.DeliveryDecision.NO_DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;

import io.tidefall.DeliveryDecision.Action;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The retry decision as the pure function it is: no threads, no clock, no processor. */
class DeliveryDecisionTests {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final double NO_JITTER = 0.5; // 0.8 + 0.4 * 0.5 = 1.0

    private final BufferOptions options = BufferOptions.defaults()
            .withProcessingRetries(5)
            .withRetryBackoff(Duration.ofSeconds(1))
            .withRetryBackoffMax(Duration.ofSeconds(8))
            .withDeliveryTimeout(Duration.ofSeconds(60));

    private DeliveryDecision decide(int attempts, boolean retryable, int size, long first, long now, long closeBy) {
        return DeliveryDecision.decide(attempts, retryable, size, first, now, closeBy, options, NO_JITTER);
    }

    @Test
    void aTransientFailureIsRetriedAfterABackoffThatDoublesUpToItsMaximum() {
        assertThat(decide(1, true, 10, 0, 0, NO_DEADLINE)).isEqualTo(new DeliveryDecision(Action.RETRY, SECOND));
        assertThat(decide(2, true, 10, 0, 0, NO_DEADLINE).pauseNanos()).isEqualTo(2 * SECOND);
        assertThat(decide(3, true, 10, 0, 0, NO_DEADLINE).pauseNanos()).isEqualTo(4 * SECOND);
        assertThat(decide(4, true, 10, 0, 0, NO_DEADLINE).pauseNanos()).isEqualTo(8 * SECOND);
        assertThat(decide(5, true, 10, 0, 0, NO_DEADLINE).pauseNanos()).isEqualTo(8 * SECOND);
    }

    @Test
    void jitterSpreadsThePauseTwentyPercentEitherWay() {
        assertThat(DeliveryDecision.backoff(1, options, 0.0)).isEqualTo(SECOND * 8 / 10);
        assertThat(DeliveryDecision.backoff(1, options, 0.999_999_999)).isBetween(SECOND * 11 / 10, SECOND * 12 / 10);
    }

    @Test
    void aTransientFailureOutOfRetriesFails() {
        assertThat(decide(6, true, 10, 0, 0, NO_DEADLINE).action()).isEqualTo(Action.FAIL);
    }

    @Test
    void aRetryThatWouldEndPastTheDeliveryDeadlineFails() {
        long now = 59 * SECOND; // first offered at 0; the next offer would come at 60 s
        assertThat(decide(1, true, 10, 0, now, NO_DEADLINE).action()).isEqualTo(Action.FAIL);
        assertThat(decide(1, true, 10, 0, now - 1, NO_DEADLINE).action()).isEqualTo(Action.RETRY);
    }

    @Test
    void aRetryThatWouldEndPastTheCloseDeadlineFailsAsClosingEvenWithinTheDeliveryDeadline() {
        assertThat(decide(1, true, 10, 0, 0, SECOND).action()).isEqualTo(Action.FAIL_CLOSING);
        assertThat(decide(1, true, 10, 0, 0, SECOND + 1).action()).isEqualTo(Action.RETRY);
    }

    @Test
    void aPermanentFailureSplitsAChunkOfSeveralAndFailsASingleElement() {
        assertThat(decide(1, false, 2, 0, 0, NO_DEADLINE).action()).isEqualTo(Action.SPLIT);
        assertThat(decide(1, false, 1, 0, 0, NO_DEADLINE).action()).isEqualTo(Action.FAIL);
    }

    @Test
    void theOptionsInForceAtTheDecisionApplyToAChunkAlreadyRetrying() {
        BufferOptions shorter = options.withDeliveryTimeout(Duration.ofSeconds(10)).withProcessingRetries(1);

        assertThat(DeliveryDecision.decide(2, true, 10, 0, SECOND, NO_DEADLINE, options, NO_JITTER).action())
                .isEqualTo(Action.RETRY);
        assertThat(DeliveryDecision.decide(2, true, 10, 0, SECOND, NO_DEADLINE, shorter, NO_JITTER).action())
                .as("out of retries under the new options").isEqualTo(Action.FAIL);
        assertThat(DeliveryDecision.decide(1, true, 10, 0, 9 * SECOND, NO_DEADLINE, shorter, NO_JITTER).action())
                .as("past the new delivery timeout").isEqualTo(Action.FAIL);
    }
}

package io.tidefall;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How a close divides its budget between delivering and handing over, without threads or clocks. */
class ClosePlanTests {

    private static final long NOW = 1_000_000_000L;

    @ParameterizedTest(name = "budget {0}, {1} held: hand over from {2} before the deadline")
    @CsvSource(delimiter = '|', textBlock = """
            PT30S  | 0          | PT2S
            PT30S  | 10000      | PT2S
            PT30S  | 100000     | PT5S
            PT30S  | 10000000   | PT15S
            PT1S   | 0          | PT0.2S
            PT1S   | 100000     | PT0.5S
            PT0S   | 100000     | PT0S
            """)
    void theReserveIsAFifthUpToTwoSecondsGrowingWithWhatIsHeldToHalf(Duration budget, long held, Duration reserve) {
        ClosePlan plan = ClosePlan.of(budget, NOW, held);

        assertThat(plan.deadline()).isEqualTo(NOW + budget.toNanos());
        assertThat(plan.deadline() - plan.handOverAt()).isEqualTo(reserve.toNanos());
        assertThat(plan.waitUntil() - plan.deadline()).isEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    /** Neither a budget of centuries nor an absurd count may overflow into a deadline in the past. */
    @Test
    void extremeBudgetsAndCountsStayInTheFuture() {
        ClosePlan forever = ClosePlan.of(Duration.ofSeconds(Long.MAX_VALUE), NOW, Long.MAX_VALUE);

        assertThat(forever.handOverAt()).isGreaterThan(NOW);
        assertThat(forever.deadline()).isGreaterThan(forever.handOverAt());
        assertThat(forever.waitUntil()).isGreaterThan(forever.deadline());
    }
}

package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Option values over generated input (seeded): valid ones round-trip, invalid ones are rejected
 * with a message naming the option and the value.
 */
class OptionParsingTest {

    private static final int SAMPLES = 20_000;
    private final Random random = new Random(20261126);

    @Test
    void everyPositiveBatchSizeRoundTrips() {
        for (int i = 0; i < SAMPLES; i++) {
            int size = 1 + random.nextInt(Integer.MAX_VALUE);
            BatchSize parsed = BatchSize.parse(Integer.toString(size));
            assertThat(parsed.size()).isEqualTo(size);
            assertThat(BatchSize.parse(parsed.toString())).isEqualTo(parsed);
        }
        assertThat(BatchSize.parse(Integer.toString(Integer.MAX_VALUE)).size()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void anyTextEitherParsesToAValidBatchSizeOrIsRejectedByName() {
        String alphabet = "0123456789 -+.eExtableTABLE_\t";
        for (int i = 0; i < SAMPLES; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            try {
                BatchSize parsed = BatchSize.parse(text.toString());
                assertThat(parsed.isTable() || parsed.size() > 0).as("'%s'", text).isTrue();
            } catch (IllegalArgumentException rejected) {
                assertThat(rejected).hasMessageContaining("processingBatchSize").hasMessageContaining("'" + text + "'");
            }
        }
    }

    @Test
    void nonPositiveBatchSizesAreRejected() {
        for (int i = 0; i < SAMPLES; i++) {
            int size = -random.nextInt(Integer.MAX_VALUE);
            assertThatThrownBy(() -> BatchSize.of(size)).hasMessageContaining(Integer.toString(size));
        }
        assertThatThrownBy(() -> BatchSize.of(Integer.MIN_VALUE)).hasMessageContaining(Integer.toString(Integer.MIN_VALUE));
    }

    @Test
    void aDurationIsAcceptedExactlyWhenItIsPositiveAndSchedulable() {
        for (int i = 0; i < SAMPLES; i++) {
            long seconds = switch (random.nextInt(3)) {
                case 0 -> random.nextLong();                     // anywhere, mostly far too long or negative
                case 1 -> random.nextInt(2_000_000) - 1_000_000; // around zero
                default -> 9_223_372_036L + random.nextInt(3) - 1; // around the nanosecond limit (292 years)
            };
            Duration duration = Duration.ofSeconds(seconds, random.nextInt(1_000_000_000));
            boolean schedulable = !duration.isNegative() && !duration.isZero() && fitsInNanos(duration);
            try {
                BufferOptions options = BufferOptions.defaults().withProcessingInterval(duration);
                assertThat(schedulable).as("accepted %s", duration).isTrue();
                assertThat(options.processingInterval()).isEqualTo(duration);
            } catch (IllegalArgumentException rejected) {
                assertThat(schedulable).as("rejected %s", duration).isFalse();
                assertThat(rejected).hasMessageContaining("processingInterval").hasMessageContaining(duration.toString());
            }
        }
    }

    @Test
    void capacityAndThresholdAcceptExactlyPositiveNumbers() {
        for (int i = 0; i < SAMPLES; i++) {
            long value = random.nextBoolean() ? random.nextLong() : random.nextInt(5) - 2;
            try {
                BufferOptions options = BufferOptions.defaults().withCapacity(value).withDrainThreshold(value);
                assertThat(value).isPositive();
                assertThat(options.capacity()).isEqualTo(value);
            } catch (IllegalArgumentException rejected) {
                assertThat(value).isLessThan(1);
                assertThat(rejected).hasMessageContaining(Long.toString(value));
            }
        }
    }

    private static boolean fitsInNanos(Duration duration) {
        try {
            duration.toNanos();
            return true;
        } catch (ArithmeticException tooLong) {
            return false;
        }
    }
}

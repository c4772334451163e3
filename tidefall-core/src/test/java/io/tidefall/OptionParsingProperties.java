package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Positive;

/** Option values over generated input: valid ones round-trip, invalid ones are named in the error. */
class OptionParsingProperties {

    @Property
    void everyPositiveBatchSizeRoundTrips(@ForAll @Positive int size) {
        BatchSize parsed = BatchSize.parse(Integer.toString(size));
        assertThat(parsed.size()).isEqualTo(size);
        assertThat(BatchSize.parse(parsed.toString())).isEqualTo(parsed);
    }

    @Property
    void anyTextEitherParsesToAValidBatchSizeOrIsRejectedByName(@ForAll String text) {
        try {
            BatchSize parsed = BatchSize.parse(text);
            assertThat(parsed.isTable() || parsed.size() > 0).isTrue();
        } catch (IllegalArgumentException rejected) {
            assertThat(rejected).hasMessageContaining("processingBatchSize").hasMessageContaining(text);
        }
    }

    @Property
    void nonPositiveBatchSizesAreRejected(@ForAll @IntRange(min = Integer.MIN_VALUE, max = 0) int size) {
        assertThatThrownBy(() -> BatchSize.of(size)).hasMessageContaining(Integer.toString(size));
    }

    @Property
    void aDurationIsAcceptedExactlyWhenItIsPositiveAndSchedulable(@ForAll long seconds, @ForAll @IntRange(max = 999_999_999) int nanos) {
        Duration duration = Duration.ofSeconds(seconds, nanos);
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

    @Property
    void capacityAndThresholdAcceptExactlyPositiveNumbers(@ForAll long value) {
        try {
            BufferOptions options = BufferOptions.defaults().withCapacity(value).withDrainThreshold(value);
            assertThat(value).isPositive();
            assertThat(options.capacity()).isEqualTo(value);
        } catch (IllegalArgumentException rejected) {
            assertThat(value).isLessThan(1);
            assertThat(rejected).hasMessageContaining(Long.toString(value));
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

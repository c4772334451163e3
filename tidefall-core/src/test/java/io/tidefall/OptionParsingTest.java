package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Option values over generated input (seeded): valid ones round-trip, invalid ones are rejected
 * with a message naming the option and the value, and with an {@link InvalidOptionException}
 * that carries the option, the requirement and the value apart.
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

    @Test
    void aRejectedBatchSizeCarriesTheOptionTheRequirementAndTheText() {
        for (String text : new String[] {"0", "-3", "tables", "", "1.5", "99999999999", " "}) {
            assertThatThrownBy(() -> BatchSize.parse(text)).isInstanceOfSatisfying(InvalidOptionException.class, rejected -> {
                assertThat(rejected.option()).isEqualTo("processingBatchSize");
                assertThat(rejected.requirement()).isEqualTo("must be a positive number or 'table'");
                assertThat(rejected.value()).isEqualTo(text);
                assertThat(rejected).hasMessage("processingBatchSize must be a positive number or 'table', but was '" + text + "'");
            });
        }
    }

    @Test
    void overflowParsesEachPolicyInAnyCaseAndRejectsAnythingElseByName() {
        String alphabet = "blockdropfailBLOCKDROPFAIL _-";
        for (int i = 0; i < SAMPLES; i++) {
            StringBuilder text = new StringBuilder();
            for (int n = random.nextInt(7); n > 0; n--) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String written = text.toString();
            boolean aName = Arrays.stream(OverflowPolicy.values())
                    .anyMatch(policy -> policy.name().equalsIgnoreCase(written.trim()));
            try {
                OverflowPolicy parsed = OverflowPolicy.parse(written);
                assertThat(aName).as("accepted '%s'", written).isTrue();
                assertThat(parsed.name()).isEqualToIgnoringCase(written.trim());
            } catch (InvalidOptionException rejected) {
                assertThat(aName).as("rejected '%s'", written).isFalse();
                assertThat(rejected.option()).isEqualTo("overflow");
                assertThat(rejected.value()).isEqualTo(written);
                assertThat(rejected).hasMessage("overflow must be one of block, drop, fail, but was '" + written + "'");
            }
        }
        for (OverflowPolicy policy : OverflowPolicy.values()) {
            assertThat(OverflowPolicy.parse(" " + policy.name().toLowerCase(Locale.ROOT) + " ")).isSameAs(policy);
        }
        assertThatThrownBy(() -> OverflowPolicy.parse(null)).hasMessage("overflow must be one of block, drop, fail, but was null");
    }

    @Test
    void aRejectedDurationCarriesTheOptionAndTheDuration() {
        Duration tooLong = Duration.ofSeconds(Long.MAX_VALUE);
        assertThatThrownBy(() -> BufferOptions.defaults().withMaxBlock(tooLong))
                .isInstanceOfSatisfying(InvalidOptionException.class, rejected -> {
                    assertThat(rejected.option()).isEqualTo("maxBlock");
                    assertThat(rejected.requirement()).isEqualTo("must be at most 292 years");
                    assertThat(rejected.value()).isEqualTo(tooLong);
                });
        assertThatThrownBy(() -> BufferOptions.defaults().withRetryBackoff(Duration.ofMillis(-1)))
                .isInstanceOfSatisfying(InvalidOptionException.class, rejected -> assertThat(rejected.requirement())
                        .isEqualTo("must be zero or a positive duration"));
    }

    /** Every option can be rejected, and the rejection names it as the record does. */
    @Test
    void everyOptionIsRejectedUnderItsRecordComponentName() {
        BufferOptions options = BufferOptions.defaults();
        Map<String, UnaryOperator<BufferOptions>> invalid = new LinkedHashMap<>();
        invalid.put("processingInterval", o -> o.withProcessingInterval(Duration.ZERO));
        invalid.put("processingTimeout", o -> o.withProcessingTimeout(Duration.ofSeconds(-1)));
        invalid.put("processingBatchSize", o -> o.withProcessingBatchSize(null));
        invalid.put("drainThreshold", o -> o.withDrainThreshold(0));
        invalid.put("drainCheckInterval", o -> o.withDrainCheckInterval(null));
        invalid.put("capacity", o -> o.withCapacity(-1));
        invalid.put("overflow", o -> o.withOverflow(null));
        invalid.put("maxBlock", o -> o.withMaxBlock(Duration.ZERO));
        invalid.put("processingRetries", o -> o.withProcessingRetries(-1));
        invalid.put("retryBackoff", o -> o.withRetryBackoff(Duration.ofMillis(-1)));
        invalid.put("retryBackoffMax", o -> o.withRetryBackoffMax(null));
        invalid.put("deliveryTimeout", o -> o.withDeliveryTimeout(Duration.ZERO));
        assertThat(invalid.keySet()).as("one invalid value per option")
                .containsExactly(Arrays.stream(BufferOptions.class.getRecordComponents()).map(RecordComponent::getName)
                        .toArray(String[]::new));
        invalid.forEach((option, change) -> assertThatThrownBy(() -> change.apply(options))
                .isInstanceOfSatisfying(InvalidOptionException.class, rejected -> {
                    assertThat(rejected.option()).isEqualTo(option);
                    assertThat(rejected.requirement()).startsWith("must ");
                    assertThat(rejected.getMessage()).startsWith(option + " " + rejected.requirement() + ", but was ");
                }));
    }

    @Test
    void aLongTextIsShownShortenedWithItsLength() {
        String nines = "9".repeat(5_000_000);
        assertThatThrownBy(() -> BatchSize.parse(nines)).hasMessage("processingBatchSize must be a positive number or 'table', but was '"
                + "9".repeat(64) + "...' (5000000 characters)");
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

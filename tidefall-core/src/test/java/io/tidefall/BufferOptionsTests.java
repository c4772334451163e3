package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BufferOptionsTests {

    @Test
    void defaultsAreTheDocumentedOnes() {
        BufferOptions defaults = BufferOptions.defaults();
        assertThat(defaults.processingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.processingTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(defaults.processingBatchSize()).isEqualTo(BatchSize.of(10));
        assertThat(defaults.drainThreshold()).isNull();
        assertThat(defaults.hasDrainThreshold()).isFalse();
        assertThat(defaults.drainCheckInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void withersChangeOneFieldAndKeepTheOthers() {
        BufferOptions changed = BufferOptions.defaults()
                .withProcessingInterval(Duration.ofMillis(250))
                .withDrainThreshold(500);

        assertThat(changed.processingInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(changed.drainThreshold()).isEqualTo(500L);
        assertThat(changed.processingTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(changed.withoutDrainThreshold().drainThreshold()).isNull();
        assertThat(changed.withProcessingBatchSize(BatchSize.TABLE).processingBatchSize().isTable()).isTrue();
        assertThat(changed.withProcessingTimeout(Duration.ofSeconds(2)).processingTimeout()).hasSeconds(2);
        assertThat(changed.withDrainCheckInterval(Duration.ofMillis(10)).drainCheckInterval()).hasMillis(10);
    }

    @Test
    void theBuilderChangesSeveralOptionsAndValidatesThemTogether() {
        assertThat(BufferOptions.builder().build()).isEqualTo(BufferOptions.defaults());
        BufferOptions base = BufferOptions.defaults().withCapacity(100);
        BufferOptions changed = base.toBuilder()
                .retryBackoff(Duration.ZERO)
                .drainThreshold(50L)
                .overflow(OverflowPolicy.DROP)
                .build();

        assertThat(changed.retryBackoff()).isZero();
        assertThat(changed.drainThreshold()).isEqualTo(50L);
        assertThat(changed.overflow()).isEqualTo(OverflowPolicy.DROP);
        assertThat(changed.capacity()).as("kept from the options it started from").isEqualTo(100L);
        assertThat(changed).isEqualTo(base.withRetryBackoff(Duration.ZERO).withDrainThreshold(50).withOverflow(OverflowPolicy.DROP));
        assertThat(changed.toBuilder().capacity(null).build().hasCapacity()).isFalse();
        assertThatThrownBy(() -> base.toBuilder().maxBlock(Duration.ofSeconds(-1)).build())
                .isInstanceOf(InvalidOptionException.class)
                .hasMessage("maxBlock must be a positive duration, but was PT-1S");
    }

    @Test
    void invalidValuesAreRejectedNamingOptionAndValue() {
        BufferOptions options = BufferOptions.defaults();
        assertThatThrownBy(() -> options.withProcessingInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("processingInterval must be a positive duration, but was PT0S");
        assertThatThrownBy(() -> options.withProcessingTimeout(Duration.ofSeconds(-5)))
                .hasMessage("processingTimeout must be a positive duration, but was PT-5S");
        assertThatThrownBy(() -> options.withDrainCheckInterval(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("drainCheckInterval").hasMessageContaining("null");
        assertThatThrownBy(() -> options.withDrainThreshold(0))
                .hasMessageContaining("drainThreshold").hasMessageContaining("0");
        assertThatThrownBy(() -> options.withProcessingBatchSize(0))
                .hasMessage("processingBatchSize must be a positive number or 'table', but was 0");
        assertThatThrownBy(() -> options.withProcessingBatchSize((BatchSize) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("processingBatchSize");
        assertThatThrownBy(() -> options.withProcessingInterval(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("processingInterval must be at most");
    }

    @Test
    void batchSizeParsesNumbersAndTable() {
        assertThat(BatchSize.parse("table")).isSameAs(BatchSize.TABLE);
        assertThat(BatchSize.parse(" TABLE ")).isSameAs(BatchSize.TABLE);
        assertThat(BatchSize.parse("500")).isEqualTo(BatchSize.of(500));
        assertThat(BatchSize.of(500).size()).isEqualTo(500);
        assertThat(BatchSize.of(500)).hasToString("500");
        assertThat(BatchSize.TABLE).hasToString("table");
        assertThat(BatchSize.TABLE.isTable()).isTrue();
        assertThat(BatchSize.of(1).isTable()).isFalse();
        assertThatThrownBy(BatchSize.TABLE::size).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "tables", "", "1.5", "99999999999"})
    void batchSizeRejectsAnythingElseNamingTheValue(String text) {
        assertThatThrownBy(() -> BatchSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("processingBatchSize")
                .hasMessageContaining("'" + text + "'");
    }
}

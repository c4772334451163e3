package io.tidefall.spring.actuate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import io.tidefall.BatchSize;
import io.tidefall.BufferOptions;
import io.tidefall.OverflowPolicy;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.actuate.TidefallEndpoint.BufferDetailsDescriptor;
import io.tidefall.spring.actuate.TidefallEndpoint.OptionsDescriptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TidefallEndpointTests {

    private final List<String> drained = new CopyOnWriteArrayList<>();

    private final TidefallQueue<String> events = TidefallQueue.<String>builder("events")
            .processor(this.drained::addAll)
            .partitions(2)
            .options(BufferOptions.defaults().withProcessingInterval(Duration.ofHours(1)))
            .build();

    private final TidefallHashMap<String, Integer> presence = TidefallHashMap.<String, Integer>builder("presence")
            .processor(batch -> { })
            .partitions(1)
            .options(BufferOptions.defaults().withProcessingBatchSize(BatchSize.TABLE).withDrainThreshold(100))
            .build();

    private final TidefallEndpoint endpoint = new TidefallEndpoint(TidefallBuffers.of(this.events, this.presence));

    @AfterEach
    void close() {
        this.events.close();
        this.presence.close();
    }

    @Test
    void buffersListsEveryBufferWithTypeSizePartitionsAndOptions() {
        this.events.push("a");
        this.events.push("b");
        var buffers = this.endpoint.buffers().buffers();
        assertThat(buffers).containsOnlyKeys("events", "presence");
        assertThat(buffers.get("events").type()).isEqualTo("queue");
        assertThat(buffers.get("events").bufferSize()).isEqualTo(2);
        assertThat(buffers.get("events").partitions()).isEqualTo(2);
        assertThat(buffers.get("events").options().get("processingInterval")).isEqualTo("1h");
        assertThat(buffers.get("events").options().get("processingBatchSize")).isEqualTo(10);
        assertThat(buffers.get("events").options().get("drainThreshold")).isEqualTo("off");
        assertThat(buffers.get("presence").type()).isEqualTo("hash-map");
        assertThat(buffers.get("presence").options().get("processingBatchSize")).isEqualTo("table");
        assertThat(buffers.get("presence").options().get("drainThreshold")).isEqualTo(100L);
    }

    @Test
    void bufferShowsEachPartitionWithCounters() throws Exception {
        this.events.start();
        this.events.pushAll(List.of("a", "b", "c"));
        this.events.flush();
        this.events.push("d");
        BufferDetailsDescriptor details = this.endpoint.buffer("events");
        assertThat(details).isNotNull();
        assertThat(details.bufferSize()).isEqualTo(1);
        assertThat(details.running()).isTrue();
        assertThat(details.partitionDetails()).hasSize(2);
        assertThat(details.partitionDetails()).extracting(TidefallEndpoint.PartitionDescriptor::drained)
                .containsExactlyInAnyOrderElementsOf(List.of(
                        this.events.stats(0).drained(), this.events.stats(1).drained()));
        assertThat(details.partitionDetails().stream().mapToLong(TidefallEndpoint.PartitionDescriptor::drained).sum())
                .isEqualTo(3);
        assertThat(details.partitionDetails().stream().mapToLong(TidefallEndpoint.PartitionDescriptor::bufferSize).sum())
                .isEqualTo(1);
        assertThat(details.partitionDetails()).filteredOn(p -> p.drains() > 0)
                .allSatisfy(p -> {
                    assertThat(p.lastDrainAt()).isNotNull();
                    assertThat(p.lastDrainDuration()).matches("[0-9]+(us|ms|s|m|h)");
                    assertThat(p.draining()).isFalse();
                });
    }

    @Test
    void bufferIsNullForAnUnknownName() {
        assertThat(this.endpoint.buffer("nope")).isNull();
    }

    @Test
    void updateAppliesEveryNamedOptionAndKeepsTheOthers() {
        OptionsDescriptor options = this.endpoint.updateOptions("events", Map.of("processingInterval", "250ms",
                "processingTimeout", "PT30S", "processingBatchSize", "table", "drainThreshold", "5000"));
        assertThat(options).isNotNull();
        assertThat(this.events.options().processingInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(this.events.options().processingTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(this.events.options().processingBatchSize()).isEqualTo(BatchSize.TABLE);
        assertThat(this.events.options().drainThreshold()).isEqualTo(5000L);
        assertThat(this.events.options().drainCheckInterval()).isEqualTo(BufferOptions.DEFAULT_DRAIN_CHECK_INTERVAL);
        assertThat(options.get("processingInterval")).isEqualTo("250ms");
        assertThat(options.get("processingTimeout")).isEqualTo("30s");
        assertThat(options.get("processingBatchSize")).isEqualTo("table");
        assertThat(options.get("drainThreshold")).isEqualTo(5000L);
    }

    @Test
    void updateTurnsTheDrainThresholdOff() {
        this.endpoint.updateOptions("presence", Map.of("drainThreshold", "off"));
        assertThat(this.presence.options().hasDrainThreshold()).isFalse();
        assertThat(this.presence.options().processingBatchSize()).isEqualTo(BatchSize.TABLE);
    }

    /** One duration rule with the configuration: zero needs no unit, any other bare number is refused. */
    @Test
    void aBareZeroIsADurationAndAnyOtherBareNumberIsNot() {
        this.endpoint.updateOptions("events", Map.of("retryBackoff", "0"));
        assertThat(this.events.options().retryBackoff()).isEqualTo(Duration.ZERO);
        assertInvalid("retryBackoff", "5", () -> this.endpoint.updateOptions("events", Map.of("retryBackoff", "5")));
    }

    @Test
    void updateSetsCapacityOverflowAndRetries() {
        OptionsDescriptor options = this.endpoint.updateOptions("events", Map.of("processingBatchSize", "500",
                "drainCheckInterval", "2s", "capacity", "1000", "overflow", "drop", "maxBlock", "50ms", "processingRetries", "3",
                "retryBackoff", "0ms", "retryBackoffMax", "2s", "deliveryTimeout", "30s"));
        assertThat(this.events.options().retryBackoffMax()).isEqualTo(Duration.ofSeconds(2));
        assertThat(this.events.options().deliveryTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.get("retryBackoffMax")).isEqualTo("2s");
        assertThat(options.get("deliveryTimeout")).isEqualTo("30s");
        assertThat(this.events.options().capacity()).isEqualTo(1000L);
        assertThat(this.events.options().overflow()).isEqualTo(OverflowPolicy.DROP);
        assertThat(this.events.options().maxBlock()).isEqualTo(Duration.ofMillis(50));
        assertThat(this.events.options().processingRetries()).isEqualTo(3);
        assertThat(this.events.options().retryBackoff()).isEqualTo(Duration.ZERO);
        assertThat(this.events.options().processingBatchSize()).isEqualTo(BatchSize.of(500));
        assertThat(this.events.options().drainCheckInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.get("capacity")).isEqualTo(1000L);
        assertThat(options.get("overflow")).isEqualTo("drop");
        this.endpoint.updateOptions("events", Map.of("capacity", "off"));
        assertThat(this.events.options().hasCapacity()).isFalse();
    }

    @Test
    void updateWithAnInvalidValueNamesTheFieldAndValueAndChangesNothing() {
        BufferOptions before = this.events.options();
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
                .isThrownBy(() -> this.endpoint.updateOptions("events",
                        Map.of("processingInterval", "1s", "processingTimeout", "-5s")))
                .withMessageContaining("processingTimeout").withMessageContaining("'-5s'")
                .satisfies(e -> assertThat(e.getReason()).isEqualTo(e.getMessage()));
        assertThat(this.events.options()).isEqualTo(before);
    }

    @Test
    void updateRejectsEachKindOfBadValue() {
        BufferOptions before = this.events.options();
        assertInvalid("processingInterval", "soon",
                () -> this.endpoint.updateOptions("events", Map.of("processingInterval", "soon")));
        assertInvalid("processingBatchSize", "0", () -> this.endpoint.updateOptions("events", Map.of("processingBatchSize", "0")));
        assertInvalid("processingBatchSize", "tables",
                () -> this.endpoint.updateOptions("events", Map.of("processingBatchSize", "tables")));
        assertInvalid("drainThreshold", "0", () -> this.endpoint.updateOptions("events", Map.of("drainThreshold", "0")));
        assertInvalid("drainThreshold", "many", () -> this.endpoint.updateOptions("events", Map.of("drainThreshold", "many")));
        assertInvalid("drainCheckInterval", "0s",
                () -> this.endpoint.updateOptions("events", Map.of("drainCheckInterval", "0s")));
        assertInvalid("capacity", "-1", () -> this.endpoint.updateOptions("events", Map.of("capacity", "-1")));
        assertInvalid("overflow", "sometimes", () -> this.endpoint.updateOptions("events", Map.of("overflow", "sometimes")));
        assertInvalid("maxBlock", "0ms", () -> this.endpoint.updateOptions("events", Map.of("maxBlock", "0ms")));
        assertInvalid("processingRetries", "-1",
                () -> this.endpoint.updateOptions("events", Map.of("processingRetries", "-1")));
        assertInvalid("retryBackoff", "-1s", () -> this.endpoint.updateOptions("events", Map.of("retryBackoff", "-1s")));
        assertInvalid("retryBackoffMax", "-1s", () -> this.endpoint.updateOptions("events", Map.of("retryBackoffMax", "-1s")));
        assertInvalid("deliveryTimeout", "0s", () -> this.endpoint.updateOptions("events", Map.of("deliveryTimeout", "0s")));
        assertThat(this.events.options()).isEqualTo(before);
    }

    @Test
    void updateOfAnUnknownBufferIsNull() {
        assertThat(this.endpoint.updateOptions("nope", Map.of("processingInterval", "1s")))
                .isNull();
    }

    @Test
    void flushDrainsNowAndAnswersTheStateAfterwards() {
        this.events.start();
        this.events.pushAll(List.of("a", "b", "c"));
        BufferDetailsDescriptor after = (BufferDetailsDescriptor) this.endpoint.action("events", "flush");
        assertThat(this.drained).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(after).isNotNull();
        assertThat(after.bufferSize()).isZero();
        assertThat(after.partitionDetails().stream().mapToLong(TidefallEndpoint.PartitionDescriptor::drained).sum())
                .isEqualTo(3);
    }

    @Test
    void flushOfAnUnknownBufferOrActionIsNull() {
        this.events.start();
        this.events.push("a");
        assertThat(this.endpoint.action("nope", "flush")).isNull();
        assertThat(this.endpoint.action("events", "drain")).isNull();
        assertThat(this.events.bufferSize()).isEqualTo(1);
    }

    /** Unlimited retries (the default) read "unlimited", not Integer.MAX_VALUE, and are written back so. */
    @Test
    void unlimitedRetriesAreShownAndAcceptedAsUnlimited() {
        assertThat(this.endpoint.buffers().buffers().get("events").options().get("processingRetries")).isEqualTo("unlimited");
        this.endpoint.updateOptions("events", Map.of("processingRetries", "3"));
        assertThat(this.endpoint.buffer("events").options().get("processingRetries")).isEqualTo(3);
        OptionsDescriptor options = this.endpoint.updateOptions("events", Map.of("processingRetries", "Unlimited"));
        assertThat(this.events.options().processingRetries()).isEqualTo(Integer.MAX_VALUE);
        assertThat(options.get("processingRetries")).isEqualTo("unlimited");
    }

    /** Every option the endpoint shows is read back by it to the same value: a client may send an answer back. */
    @Test
    void everyOptionShownIsReadBackUnchanged() {
        BufferOptions before = this.presence.options();
        this.endpoint.updateOptions("presence", Map.copyOf(this.endpoint.buffer("presence").options()));
        assertThat(this.presence.options()).isEqualTo(before);
    }

    @Test
    void updateNamingNoOptionNamesTheUnknownFieldAndTheClosestOption() {
        BufferOptions before = this.events.options();
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
                .isThrownBy(() -> this.endpoint.updateOptions("events", Map.of("processingInterval", "2s", "procesingTimeout", "5s")))
                .withMessageStartingWith("Unknown field 'procesingTimeout' (did you mean processingTimeout?): the fields are "
                        + "processingInterval, processingTimeout,");
        assertThat(this.events.options()).isEqualTo(before);
    }

    private static void assertInvalid(String field, String value, Runnable update) {
        assertThatExceptionOfType(InvalidEndpointRequestException.class).isThrownBy(update::run)
                .withMessageStartingWith(field + " '" + value + "' is invalid");
    }
}

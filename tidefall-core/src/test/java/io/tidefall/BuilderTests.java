package io.tidefall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BuilderTests {

    @Test
    void aBuilderRejectsBadValuesWhereTheyAreWritten() {
        assertThatThrownBy(() -> TidefallQueue.builder(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> TidefallQueue.builder(" ")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        TidefallQueue.Builder<String> builder = TidefallQueue.builder("events");
        assertThatThrownBy(() -> builder.partitions(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("partitions must be at least 1 for buffer 'events', but was 0");
        assertThatThrownBy(() -> builder.processor(null)).hasMessageContaining("processor");
        assertThatThrownBy(() -> builder.options(null)).hasMessageContaining("options");
        assertThatThrownBy(() -> builder.executor(null)).hasMessageContaining("executor");
        assertThatThrownBy(() -> builder.scheduler(null)).hasMessageContaining("scheduler");
        assertThatThrownBy(() -> builder.listener(null)).hasMessageContaining("listener");
        assertThatThrownBy(() -> builder.ordering(null)).hasMessageContaining("ordering");
        assertThatThrownBy(() -> builder.partitionKey(null)).hasMessageContaining("partitionKey");
        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'events' has no processor");
        assertThatThrownBy(() -> TidefallHashMap.<String, String>builder("presence").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'presence' has no processor");
    }

    @Test
    void aBuiltBufferIsNotRunningAndDefaultsToOnePartitionPerProcessor() {
        TidefallQueue<String> queue = TidefallQueue.<String>builder("events").processor(batch -> { }).build();
        assertThat(queue.isRunning()).isFalse();
        assertThat(queue.partitions()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(queue.name()).isEqualTo("events");
        assertThat(queue.options()).isEqualTo(BufferOptions.defaults());
        assertThatThrownBy(() -> queue.bufferSize(queue.partitions()))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("no partition");
        queue.close();
    }

    @Test
    void theProcessorMayTakeASupertype() {
        Batches<Object> anything = new Batches<>();
        TidefallQueue<String> queue = TidefallQueue.<String>builder("events").processor(anything).partitions(1).build();
        queue.push("x");
        queue.close();
        assertThat(anything.all()).containsExactly("x");
    }

    @Test
    void onlyThePublicApiIsPublic() {
        assertThat(Arrays.stream(new Class<?>[] {Partition.class, Drain.class, DrainState.class, ChunkLedger.class,
                DeliveryDecision.class, CallWatchdog.class, WriteResult.class, QueueTable.class, MapTable.class,
                WriterGuard.class, PartitionedBuffer.class, Listeners.class, Hashing.class}))
                .noneMatch(type -> java.lang.reflect.Modifier.isPublic(type.getModifiers()));
    }
}

package io.tidefall.spring.sink;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The routing a sink asks of its queue: with {@code sink.kafka.key}, the queue routes each element
 * by the same property that keys its record, so that the records of one key are sent by one
 * partition, in push order, as Kafka keeps them in one topic partition.
 */
public final class QueueRouting {

    private QueueRouting() {
    }

    /**
     * The partition key function of a queue whose sink is {@code sink}, or {@code null} to route as
     * the buffer does by default.
     *
     * @param property the prefix of the sink's properties, such as {@code tidefall.buffers.views.sink}
     */
    public static @Nullable Function<Object, Object> partitionKey(SinkProperties sink, String property) {
        SinkProperties.Kafka kafka = sink.getKafka();
        String key = kafka != null ? kafka.getKey() : null;
        if (key == null || key.isBlank()) {
            return null;
        }
        ElementProperty read = new ElementProperty(key, property + ".kafka.key");
        return element -> {
            Object value = read.read(element);
            return value != null ? value : element; // a record without a key: spread as any element is
        };
    }
}

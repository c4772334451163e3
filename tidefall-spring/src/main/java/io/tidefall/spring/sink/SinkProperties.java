package io.tidefall.spring.sink;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Where a buffer writes its chunks when it is given no processor: {@code tidefall.buffers.<name>.sink}.
 * Exactly one of {@code jdbc}, {@code item-writer} and {@code kafka} is set.
 */
public class SinkProperties {

    /** Writes each chunk with one JDBC batch statement, in one transaction. */
    private @Nullable Jdbc jdbc;

    /** Name of a Spring Batch ItemWriter bean; each chunk is handed to it as one Chunk. */
    private @Nullable String itemWriter;

    /** Sends each chunk to a Kafka topic through the application's KafkaTemplate. */
    private @Nullable Kafka kafka;

    public @Nullable Jdbc getJdbc() {
        return this.jdbc;
    }

    public void setJdbc(@Nullable Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public @Nullable String getItemWriter() {
        return this.itemWriter;
    }

    public void setItemWriter(@Nullable String itemWriter) {
        this.itemWriter = itemWriter;
    }

    public @Nullable Kafka getKafka() {
        return this.kafka;
    }

    public void setKafka(@Nullable Kafka kafka) {
        this.kafka = kafka;
    }

    /** The kinds that are set, in declaration order: one for a valid sink. */
    public List<SinkKind> kinds() {
        List<SinkKind> kinds = new ArrayList<>();
        if (this.jdbc != null) {
            kinds.add(SinkKind.JDBC);
        }
        if (this.itemWriter != null) {
            kinds.add(SinkKind.ITEM_WRITER);
        }
        if (this.kafka != null) {
            kinds.add(SinkKind.KAFKA);
        }
        return kinds;
    }

    /** {@code sink.jdbc}. */
    public static class Jdbc {

        /**
         * SQL run once per element, as one JDBC batch per chunk, with named parameters (:name) bound
         * from the element's record components, bean properties or fields; for a hash-map, :key,
         * :version, :updates and :value, and the value's properties.
         */
        private @Nullable String sql;

        /** Name of the DataSource bean to write to. By default, the application's only (or primary) DataSource. */
        private @Nullable String dataSource;

        public @Nullable String getSql() {
            return this.sql;
        }

        public void setSql(@Nullable String sql) {
            this.sql = sql;
        }

        public @Nullable String getDataSource() {
            return this.dataSource;
        }

        public void setDataSource(@Nullable String dataSource) {
            this.dataSource = dataSource;
        }
    }

    /** {@code sink.kafka}. */
    public static class Kafka {

        /** Topic each element is sent to. */
        private @Nullable String topic;

        /**
         * For a queue, the element property (record component, bean property or field) whose value
         * is the record key, and by which the queue routes its elements; unset sends records
         * without a key. A hash-map's records are keyed by the map key.
         */
        private @Nullable String key;

        /** Name of the KafkaTemplate bean to send with. By default, the application's only (or primary) one. */
        private @Nullable String template;

        public @Nullable String getTopic() {
            return this.topic;
        }

        public void setTopic(@Nullable String topic) {
            this.topic = topic;
        }

        public @Nullable String getKey() {
            return this.key;
        }

        public void setKey(@Nullable String key) {
            this.key = key;
        }

        public @Nullable String getTemplate() {
            return this.template;
        }

        public void setTemplate(@Nullable String template) {
            this.template = template;
        }
    }
}

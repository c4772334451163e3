package io.tidefall.spring.sink;

import java.util.List;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.kafka.core.KafkaProducerException;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;

import io.tidefall.Buffer;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * What {@code sink.kafka} sends (record keys of a queue and of a hash-map) and how it classifies
 * Kafka's failures, on Kafka's {@link MockProducer}. {@link KafkaSinkOutageTests} runs it against a
 * real broker.
 */
class KafkaSinkTests {

    record View(String user, String path) {
    }

    private final MockProducer<Object, Object> producer = new Shared(true);

    private Buffer buffer;

    @AfterEach
    void close() {
        if (this.buffer != null) {
            this.buffer.close();
        }
    }

    @Test
    void aQueuesRecordsAreKeyedByTheConfiguredPropertyAndAHashMapsByTheMapKey() throws Exception {
        Sink views = sink(TidefallQueue.builder("views").processor(batch -> { }).build(), "user");
        views.process(List.of(new View("ann", "/a"), new View("bob", "/b")));
        Sink presence = sink(TidefallHashMap.builder("presence").processor(batch -> { }).build(), null);
        presence.process(List.of(new TidefallHashMap.Entry<>("ann", "online", 3, 1)));
        assertThat(this.producer.history()).extracting(ProducerRecord::topic, ProducerRecord::key, ProducerRecord::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("topic", "ann", new View("ann", "/a")),
                        org.assertj.core.groups.Tuple.tuple("topic", "bob", new View("bob", "/b")),
                        org.assertj.core.groups.Tuple.tuple("topic", "ann", "online"));
    }

    @Test
    void withoutAKeyPropertyAQueuesRecordsHaveNoKey() throws Exception {
        Sink views = sink(TidefallQueue.builder("views").processor(batch -> { }).build(), null);
        views.process(List.of(new View("ann", "/a")));
        assertThat(this.producer.history()).singleElement().satisfies(record -> assertThat(record.key()).isNull());
    }

    @Test
    void anElementWithoutTheKeyPropertyFailsPermanentlyNamingIt() {
        Sink views = sink(TidefallQueue.builder("views").processor(batch -> { }).build(), "tenant");
        assertThatException().isThrownBy(() -> views.process(List.of(new View("ann", "/a"))))
                .withMessageContaining("tidefall.buffers.views.sink.kafka.key is 'tenant'")
                .satisfies(failure -> assertThat(views.isRetryable(failure)).isFalse());
    }

    @Test
    void aFailedSendFailsTheChunk() {
        MockProducer<Object, Object> failing = new Shared(false);
        Sink views = sink(failing, TidefallQueue.builder("views").processor(batch -> { }).build(), null);
        Thread completer = new Thread(() -> {
            while (!failing.errorNext(new RecordTooLargeException("too large"))) {
                Thread.onSpinWait();
            }
        });
        completer.start();
        assertThatException().isThrownBy(() -> views.process(List.of(new View("ann", "/a"))))
                .satisfies(failure -> assertThat(views.isRetryable(failure)).isFalse());
    }

    @Test
    void kafkasRetriableErrorsAreRetriedItsOthersArePermanentAndTheRestLeftToTheApplicationsPolicy() {
        Sink sink = sink(TidefallQueue.builder("views").processor(batch -> { }).build(), null);
        ProducerRecord<Object, Object> record = new ProducerRecord<>("topic", "value");
        assertThat(sink.isRetryable(new KafkaProducerException(record, "failed", new org.apache.kafka.common.errors.TimeoutException("expired"))))
                .isTrue();
        assertThat(sink.isRetryable(new NotLeaderOrFollowerException("moved"))).isTrue();
        assertThat(sink.isRetryable(new TimeoutException("awaited past the processing timeout"))).isTrue();
        assertThat(sink.isRetryable(new KafkaProducerException(record, "failed", new RecordTooLargeException("big")))).isFalse();
        assertThat(sink.isRetryable(new SerializationException("unreadable"))).isFalse();
        assertThat(sink.isRetryable(new InterruptException("interrupted"))).isNull();
        assertThat(sink.isRetryable(new IllegalStateException("anything else"))).isNull();
    }

    private Sink sink(Buffer buffer, String key) {
        return sink(this.producer, buffer, key);
    }

    private Sink sink(MockProducer<Object, Object> producer, Buffer buffer, String key) {
        this.buffer = buffer;
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        ProducerFactory<Object, Object> factory = () -> producer;
        beans.registerSingleton("kafkaTemplate", new KafkaTemplate<>(factory));
        SinkProperties properties = new SinkProperties();
        SinkProperties.Kafka kafka = new SinkProperties.Kafka();
        kafka.setTopic("topic");
        kafka.setKey(key);
        properties.setKafka(kafka);
        return new KafkaSinkFactory(beans).create(new SinkTarget(buffer, "tidefall.buffers." + buffer.name() + ".sink", properties));
    }

    /** Stays open when the template closes it after a send, as a producer factory's shared producer does. */
    static final class Shared extends MockProducer<Object, Object> {

        Shared(boolean autoComplete) {
            super(autoComplete, null, new Stringly(), new Stringly());
        }

        @Override
        public void close() {
        }

        @Override
        public void close(java.time.Duration timeout) {
        }
    }

    /** Serializes any value as its text, so that the mock producer takes records and beans alike. */
    static final class Stringly implements org.apache.kafka.common.serialization.Serializer<Object> {

        private final StringSerializer text = new StringSerializer();

        @Override
        public byte[] serialize(String topic, Object data) {
            return data == null ? null : this.text.serialize(topic, data.toString());
        }
    }
}

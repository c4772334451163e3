package io.tidefall.spring.sink;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.kafka.core.KafkaTemplate;

import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.sink.SinkProperties.Kafka;

/** Builds {@code sink.kafka} sinks, on the named or the application's only (or primary) {@link KafkaTemplate}. */
public final class KafkaSinkFactory implements SinkFactory {

    private final ListableBeanFactory beans;

    public KafkaSinkFactory(ListableBeanFactory beans) {
        this.beans = beans;
    }

    @Override
    public SinkKind kind() {
        return SinkKind.KAFKA;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Sink create(SinkTarget target) {
        Kafka kafka = target.properties().getKafka();
        String topic = kafka != null ? kafka.getTopic() : null;
        String topicProperty = target.property(SinkKind.KAFKA, "topic");
        if (kafka == null || topic == null || topic.isBlank()) {
            throw new TidefallConfigurationException(target.name(),
                    "Buffer '" + target.name() + "': " + target.property(SinkKind.KAFKA, "") + " has no topic.",
                    "Set " + topicProperty + " to the topic to send each element to.");
        }
        String keyProperty = target.property(SinkKind.KAFKA, "key");
        String key = kafka.getKey();
        if (key != null && (key.isBlank() || target.isHashMap())) {
            throw new TidefallConfigurationException(target.name(),
                    "Buffer '" + target.name() + "': " + keyProperty + " is '" + key + "', "
                            + (target.isHashMap() ? "but a hash-map's records are keyed by the map key." : "which names no property."),
                    target.isHashMap() ? "Remove " + keyProperty + "."
                            : "Set " + keyProperty + " to the element property whose value is the record key, or remove it.");
        }
        KafkaTemplate<Object, Object> template = SinkBeans.find(this.beans, target, kafka.getTemplate(), KafkaTemplate.class,
                target.property(SinkKind.KAFKA, "template"));
        if (template.isTransactional()) {
            throw new TidefallConfigurationException(target.name(),
                    "Buffer '" + target.name() + "': " + target.property(SinkKind.KAFKA, "") + " sends through a transactional KafkaTemplate,"
                            + " which the Kafka sink does not support yet.",
                    "Give it a non-transactional KafkaTemplate with " + target.property(SinkKind.KAFKA, "template")
                            + ", or unset spring.kafka.producer.transaction-id-prefix.");
        }
        return new KafkaSink(template, topic, target.buffer(), key != null ? new ElementProperty(key, keyProperty) : null,
                "Kafka sink of buffer '" + target.name() + "' to topic '" + topic + "'");
    }
}

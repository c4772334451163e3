package io.tidefall.sample;

import org.apache.kafka.clients.admin.NewTopic;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.kafka.config.TopicBuilder;

/**
 * The {@code kafka} profile: the buffer {@code presence} sends each user's newest heartbeat per
 * drain to the topic {@code presence} ({@code application-kafka.yml}). The topic is compacted, so
 * that Kafka keeps the newest record of each user, as the table keeps one row.
 */
@Configuration(proxyBeanMethods = false)
@Profile("kafka")
class KafkaPresenceConfiguration {

    /** Created at startup by Spring Boot's {@code KafkaAdmin}, unless it exists. */
    @Bean
    NewTopic presenceTopic() {
        return TopicBuilder.name("presence").partitions(2).replicas(1).compact().build();
    }
}

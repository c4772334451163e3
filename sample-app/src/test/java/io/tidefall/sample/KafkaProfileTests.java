package io.tidefall.sample;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.client.RestTestClient;

import io.tidefall.spring.TidefallBuffers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code kafka} profile on a Kafka broker in the test JVM: heartbeats go in through the API, the
 * buffer {@code presence} coalesces them, and its {@code sink.kafka} sends each user's newest one to
 * the compacted topic {@code presence}, keyed by the user; nothing goes to the table.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
                // only the test's flush drains, so that each user's heartbeats are coalesced in one drain
                "tidefall.buffers.presence.processing-interval=1h" })
@AutoConfigureRestTestClient
@ActiveProfiles("kafka")
@EmbeddedKafka
class KafkaProfileTests {

    @Autowired
    RestTestClient http;

    @Autowired
    TidefallBuffers buffers;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    EmbeddedKafkaBroker broker;

    @Test
    void eachUsersNewestHeartbeatOfADrainIsOneRecordKeyedByTheUser() {
        for (int beat = 0; beat < 20; beat++) {
            put("ann", "beat-" + beat, 1_000 + beat);
        }
        put("ann", "stale", 500); // older than what is buffered: refused by putNewer
        put("bob", "online", 2_000);
        assertThat(this.buffers.get("presence").flush().failed()).isZero();

        Map<String, String> records = new HashMap<>();
        int[] count = { 0 };
        try (Consumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = List.of(new TopicPartition("presence", 0), new TopicPartition("presence", 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    records.put(record.key(), record.value());
                    count[0]++;
                }
                return records.size() == 2;
            });
        }
        assertThat(count[0]).as("records: one per user per drain").isEqualTo(2);
        assertThat(records).containsEntry("ann", "{\"status\":\"beat-19\",\"at\":1019}")
                .containsEntry("bob", "{\"status\":\"online\",\"at\":2000}");
        assertThat(this.jdbc.queryForObject("select count(*) from user_presence", Long.class)).isZero();
    }

    private void put(String user, String status, long at) {
        this.http.put().uri("/presence/" + user).contentType(MediaType.APPLICATION_JSON)
                .body("{\"status\":\"" + status + "\",\"at\":" + at + "}").exchange().expectStatus().isAccepted();
    }

    private Consumer<String, String> consumer() {
        Map<String, Object> properties = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        return new KafkaConsumer<>(properties);
    }
}

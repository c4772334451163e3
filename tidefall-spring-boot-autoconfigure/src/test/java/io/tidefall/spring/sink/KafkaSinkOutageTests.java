package io.tidefall.spring.sink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.tidefall.BatchFailureHandler;
import io.tidefall.BufferListener;
import io.tidefall.FailedBatch;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;
import io.tidefall.spring.autoconfigure.sink.TidefallSinkAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sink.kafka} against a real broker that is killed (SIGKILL) in the middle of a load and
 * started again on the same port and log directory: every element a push accepted is on the topic
 * once the broker is back, none went to the failure handler, and the sends that failed meanwhile
 * were retried as the outage they were.
 */
class KafkaSinkOutageTests {

    private static final String TOPIC = "page-views";

    @TempDir
    Path directory;

    @Test
    void everyAcceptedElementIsOnTheTopicAfterTheBrokerCameBack() throws Exception {
        try (KafkaBrokerProcess broker = new KafkaBrokerProcess(this.directory)) {
            broker.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
            }
            Retries retries = new Retries();
            Lost lost = new Lost();
            new ApplicationContextRunner()
                    .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
                            TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class, TidefallSinkAutoConfiguration.class))
                    .withBean("retries", BufferListener.class, () -> retries)
                    .withBean("lost", BatchFailureHandler.class, () -> lost)
                    .withPropertyValues("spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                            // Fail a send within seconds rather than the default two minutes, so that the
                            // buffer's own retries (not only the producer's) ride the outage out.
                            "spring.kafka.producer.properties[delivery.timeout.ms]=4000",
                            "spring.kafka.producer.properties[request.timeout.ms]=1500",
                            "spring.kafka.producer.properties[max.block.ms]=1500",
                            "spring.kafka.producer.properties[reconnect.backoff.max.ms]=250",
                            "tidefall.buffers.views.partitions=2",
                            "tidefall.buffers.views.processing-interval=50ms",
                            "tidefall.buffers.views.processing-batch-size=200",
                            "tidefall.buffers.views.processing-timeout=10s",
                            "tidefall.buffers.views.retry-backoff=50ms",
                            "tidefall.buffers.views.retry-backoff-max=500ms",
                            "tidefall.buffers.views.delivery-timeout=5m",
                            "tidefall.buffers.views.failure-handler=lost",
                            "tidefall.buffers.views.sink.kafka.topic=" + TOPIC)
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        TidefallQueue<String> views = context.getBean(TidefallBuffers.class).queue("views");
                        Writer writer = new Writer(views);
                        Thread writing = new Thread(writer, "kafka-outage-writer");
                        writing.start();
                        try {
                            await().atMost(Duration.ofSeconds(30)).until(() -> writer.accepted.get() >= 2_000);
                            broker.kill();
                            int atKill = writer.accepted.get();
                            await().atMost(Duration.ofSeconds(60)).until(() -> retries.seen.get() > 0);
                            await().atMost(Duration.ofSeconds(30)).until(() -> writer.accepted.get() >= atKill + 2_000);
                            broker.start();
                            int atRestart = writer.accepted.get();
                            await().atMost(Duration.ofSeconds(30)).until(() -> writer.accepted.get() >= atRestart + 2_000);
                        } finally {
                            writer.stop.set(true);
                            writing.join();
                        }
                        int accepted = writer.accepted.get();
                        // The sink's retries and the backlog they held back drain on their own; the
                        // topic itself says when every accepted element has arrived (or, at the
                        // deadline, which have not).
                        Set<String> onTopic = readTopic(broker.bootstrapServers(), accepted);
                        Set<String> missing = new HashSet<>();
                        for (int i = 0; i < accepted; i++) {
                            if (!onTopic.contains("view-" + i)) {
                                missing.add("view-" + i);
                            }
                        }
                        System.out.printf("sink.kafka outage: %,d accepted, %,d on the topic, %,d missing, %,d chunk retries%n",
                                accepted, onTopic.size(), missing.size(), retries.seen.get());
                        assertThat(missing).as("accepted elements missing from the topic").isEmpty();
                        assertThat(lost.elements).as("elements given to the failure handler").isEmpty();
                        assertThat(retries.causes).as("what the retried sends failed with: Kafka's own retriable errors")
                                .anyMatch(KafkaSinkOutageTests::isKafkaRetriable);
                    });
        }
    }

    private static boolean isKafkaRetriable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RetriableException) {
                return true;
            }
        }
        return false;
    }

    /** Reads the topic until it holds {@code expected} distinct values, or for two minutes. */
    private static Set<String> readTopic(String bootstrapServers, int expected) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        Set<String> values = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            try {
                await().atMost(Duration.ofMinutes(2)).until(() -> {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        values.add(record.value());
                    }
                    return values.size() >= expected;
                });
            } catch (ConditionTimeoutException incomplete) {
                // reported by the caller, with the elements that are missing
            }
        }
        return values;
    }

    /** Pushes numbered elements at a steady pace until stopped; counts the pushes that returned. */
    private static final class Writer implements Runnable {

        final AtomicInteger accepted = new AtomicInteger();
        final AtomicBoolean stop = new AtomicBoolean();
        private final TidefallQueue<String> views;

        Writer(TidefallQueue<String> views) {
            this.views = views;
        }

        @Override
        public void run() {
            for (int i = 0; !this.stop.get(); i++) {
                this.views.push("view-" + i);
                this.accepted.incrementAndGet();
                LockSupport.parkNanos(100_000); // a pace, about 10,000 a second: not a wait for anything
            }
        }
    }

    static final class Retries implements BufferListener {

        final AtomicInteger seen = new AtomicInteger();
        final List<Throwable> causes = new CopyOnWriteArrayList<>();

        @Override
        public void chunkRetrying(String buffer, int partition, int size, int attempt, Throwable cause, Duration pause) {
            this.seen.incrementAndGet();
            if (this.causes.size() < 100) {
                this.causes.add(cause);
            }
        }
    }

    static final class Lost implements BatchFailureHandler<Object> {

        final List<Object> elements = new CopyOnWriteArrayList<>();

        @Override
        public void handle(FailedBatch<Object> failed) {
            this.elements.addAll(failed.elements());
        }
    }
}

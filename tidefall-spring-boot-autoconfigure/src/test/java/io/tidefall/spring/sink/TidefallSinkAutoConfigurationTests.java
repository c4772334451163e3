package io.tidefall.spring.sink;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import io.tidefall.BatchProcessor;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;
import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.autoconfigure.sink.TidefallSinkAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each condition of {@link TidefallSinkAutoConfiguration}, and every way a sink's configuration is
 * refused at startup with a message naming the property and what to do.
 */
class TidefallSinkAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class,
                    TidefallAutoConfiguration.class, TidefallSinkAutoConfiguration.class));

    @Test
    void everySinkFactoryWhoseLibraryIsPresent() {
        this.runner.run(context -> assertThat(context).hasSingleBean(JdbcSinkFactory.class)
                .hasSingleBean(ItemWriterSinkFactory.class).hasSingleBean(KafkaSinkFactory.class));
    }

    @Test
    void noSinkFactoryWhenTidefallIsDisabled() {
        this.runner.withPropertyValues("tidefall.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(SinkFactory.class));
    }

    @Test
    void anApplicationsOwnFactoryReplacesTheStartersOne() {
        JdbcSinkFactory own = new JdbcSinkFactory(new org.springframework.beans.factory.support.DefaultListableBeanFactory());
        this.runner.withBean(JdbcSinkFactory.class, () -> own)
                .run(context -> assertThat(context.getBean(JdbcSinkFactory.class)).isSameAs(own));
    }

    @Test
    void eachFactoryBacksOffWithoutItsLibraryAlone() {
        this.runner.withClassLoader(new FilteredClassLoader("org.springframework.jdbc"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(JdbcSinkFactory.class)
                        .hasSingleBean(ItemWriterSinkFactory.class).hasSingleBean(KafkaSinkFactory.class));
        this.runner.withClassLoader(new FilteredClassLoader("org.springframework.batch"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ItemWriterSinkFactory.class)
                        .hasSingleBean(JdbcSinkFactory.class).hasSingleBean(KafkaSinkFactory.class));
        this.runner.withClassLoader(new FilteredClassLoader("org.springframework.kafka"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(KafkaSinkFactory.class)
                        .hasSingleBean(JdbcSinkFactory.class).hasSingleBean(ItemWriterSinkFactory.class));
    }

    @Test
    void withoutSpringJdbcAJdbcSinkIsRefusedNamingTheDependency() {
        this.runner.withClassLoader(new FilteredClassLoader("org.springframework.jdbc"))
                .withPropertyValues("tidefall.buffers.events.sink.jdbc.sql=insert into t values (:id)")
                .run(context -> {
                    assertRefused(context, "tidefall.buffers.events.sink.jdbc is set, but Spring JDBC is not on the class path",
                            "Add the dependency org.springframework.boot:spring-boot-starter-jdbc");
                });
    }

    @Test
    void withoutSpringBatchAnItemWriterSinkIsRefusedNamingTheDependency() {
        this.runner.withClassLoader(new FilteredClassLoader("org.springframework.batch"))
                .withPropertyValues("tidefall.buffers.events.sink.item-writer=writer")
                .run(context -> {
                    assertRefused(context, "tidefall.buffers.events.sink.item-writer is set, but Spring Batch is not on the class path",
                            "Add the dependency org.springframework.batch:spring-batch-infrastructure");
                });
    }

    @Test
    void withoutSpringKafkaAKafkaSinkIsRefusedNamingTheDependency() {
        this.runner.withClassLoader(new FilteredClassLoader("org.springframework.kafka"))
                .withPropertyValues("tidefall.buffers.events.sink.kafka.topic=events")
                .run(context -> {
                    assertRefused(context, "tidefall.buffers.events.sink.kafka is set, but Spring Kafka is not on the class path",
                            "Add the dependency org.springframework.boot:spring-boot-starter-kafka");
                });
    }

    @Test
    void aSinkBesideAProcessorIsRefused() {
        this.runner.withBean("writer", BatchProcessor.class, () -> batch -> { })
                .withPropertyValues("tidefall.buffers.events.processor=writer", "tidefall.buffers.events.sink.jdbc.sql=insert into t values (:id)")
                .run(context -> assertRefused(context, "Buffer 'events' has 2 processors: the bean 'writer' named by tidefall.buffers.events.processor;"
                        + " the jdbc sink configured under tidefall.buffers.events.sink.jdbc", "Keep exactly one"));
    }

    @Test
    void twoSinksAreRefused() {
        this.runner.withPropertyValues("tidefall.buffers.events.sink.jdbc.sql=insert into t values (:id)",
                "tidefall.buffers.events.sink.kafka.topic=events")
                .run(context -> assertRefused(context, "Buffer 'events' configures 2 sinks: tidefall.buffers.events.sink.jdbc,"
                        + " tidefall.buffers.events.sink.kafka", "Keep exactly one of them"));
    }

    @Test
    void noProcessorAndNoSinkNamesTheSinkToo() {
        this.runner.withPropertyValues("tidefall.buffers.events.type=queue")
                .run(context -> assertRefused(context, "no sink is configured under tidefall.buffers.events.sink",
                        "configure a sink (tidefall.buffers.events.sink.jdbc.sql, for one)"));
    }

    @Test
    void aJdbcSinkWithoutSqlIsRefused() {
        this.runner.withBean(DriverManagerDataSource.class)
                .withPropertyValues("tidefall.buffers.events.sink.jdbc.data-source=driverManagerDataSource")
                .run(context -> assertRefused(context, "tidefall.buffers.events.sink.jdbc has no sql",
                        "Set tidefall.buffers.events.sink.jdbc.sql"));
    }

    @Test
    void aJdbcSinkWithoutADataSourceIsRefused() {
        this.runner.withPropertyValues("tidefall.buffers.events.sink.jdbc.sql=insert into t values (:id)")
                .run(context -> assertRefused(context, "tidefall.buffers.events.sink needs a DataSource, and the application has none",
                        "Declare a DataSource bean"));
    }

    @Test
    void aJdbcSinkNamingAnUnknownDataSourceIsRefused() {
        this.runner.withBean("main", DriverManagerDataSource.class)
                .withPropertyValues("tidefall.buffers.events.sink.jdbc.sql=insert into t values (:id)",
                        "tidefall.buffers.events.sink.jdbc.data-source=reports")
                .run(context -> assertRefused(context,
                        "tidefall.buffers.events.sink.jdbc.data-source is 'reports', but there is no DataSource bean of that name",
                        "(main)"));
    }

    @Test
    void twoDataSourcesWithoutAPrimaryAreRefused() {
        this.runner.withBean("one", DriverManagerDataSource.class).withBean("two", DriverManagerDataSource.class)
                .withPropertyValues("tidefall.buffers.events.sink.jdbc.sql=insert into t values (:id)")
                .run(context -> assertRefused(context, "the application has 2: one, two, none of them primary",
                        "Set tidefall.buffers.events.sink.jdbc.data-source"));
    }

    @Test
    void anItemWriterSinkNamingAnotherBeanIsRefused() {
        this.runner.withBean("writer", String.class, () -> "not a writer")
                .withPropertyValues("tidefall.buffers.events.sink.item-writer=writer")
                .run(context -> assertRefused(context,
                        "tidefall.buffers.events.sink.item-writer is 'writer', but there is no ItemWriter bean of that name"
                                + " (a bean 'writer' exists, of another type)", "Set tidefall.buffers.events.sink.item-writer"));
    }

    @Test
    void anItemWriterSinkIsBoundToItsBuffer() {
        List<Object> written = new java.util.concurrent.CopyOnWriteArrayList<>();
        ItemWriter<Object> writer = (Chunk<?> chunk) -> written.addAll(chunk.getItems());
        this.runner.withBean("writer", ItemWriter.class, () -> writer)
                .withPropertyValues("tidefall.buffers.events.sink.item-writer=writer")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    io.tidefall.TidefallQueue<String> events = context.getBean(io.tidefall.spring.TidefallBuffers.class).queue("events");
                    events.push("a");
                    events.push("b");
                    assertThat(events.flush().failed()).isZero();
                    assertThat(written).containsExactlyInAnyOrder("a", "b");
                });
    }

    @Test
    void aKafkaSinkWithoutTopicIsRefused() {
        this.runner.withPropertyValues("tidefall.buffers.events.sink.kafka.key=user")
                .run(context -> assertRefused(context, "tidefall.buffers.events.sink.kafka has no topic",
                        "Set tidefall.buffers.events.sink.kafka.topic"));
    }

    @Test
    void aKafkaSinkOfAHashMapTakesNoKeyProperty() {
        this.runner.withPropertyValues("tidefall.buffers.presence.type=hash-map", "tidefall.buffers.presence.sink.kafka.topic=presence",
                "tidefall.buffers.presence.sink.kafka.key=user")
                .run(context -> assertRefused(context, "a hash-map's records are keyed by the map key",
                        "Remove tidefall.buffers.presence.sink.kafka.key"));
    }

    @Test
    void aKafkaSinkWithoutAKafkaTemplateIsRefused() {
        this.runner.withPropertyValues("tidefall.buffers.events.sink.kafka.topic=events")
                .run(context -> assertRefused(context, "tidefall.buffers.events.sink needs a KafkaTemplate, and the application has none",
                        "Declare a KafkaTemplate bean"));
    }

    record View(String user, String path) {
    }

    @Test
    void aKafkaSinkWithAKeyPropertyRoutesTheQueueByIt() {
        org.springframework.kafka.core.ProducerFactory<Object, Object> producers = () -> {
            throw new IllegalStateException("nothing is sent in this test");
        };
        this.runner.withBean(org.springframework.kafka.core.KafkaTemplate.class, () -> new org.springframework.kafka.core.KafkaTemplate<>(producers))
                .withPropertyValues("tidefall.buffers.views.partitions=4", "tidefall.buffers.views.processing-interval=1h",
                        "tidefall.buffers.views.sink.kafka.topic=views", "tidefall.buffers.views.sink.kafka.key=user")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    io.tidefall.TidefallQueue<Object> views = context.getBean(io.tidefall.spring.TidefallBuffers.class).queue("views");
                    for (int i = 0; i < 100; i++) {
                        views.push(new View("ann", "/page/" + i));
                    }
                    assertThat(java.util.stream.IntStream.range(0, 4).mapToLong(views::bufferSize))
                            .as("elements per partition: one user's records are sent by one partition, in order").contains(100L, 0L, 0L, 0L);
                    org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> views.push("no user"))
                            .withMessageContaining("tidefall.buffers.views.sink.kafka.key is 'user'");
                    assertThat(views.bufferSize()).isEqualTo(100);
                });
    }

    private static void assertRefused(AssertableApplicationContext context, String description, String action) {
        assertThat(context).hasFailed();
        Throwable failure = context.getStartupFailure();
        while (failure != null && !(failure instanceof TidefallConfigurationException)) {
            failure = failure.getCause();
        }
        assertThat(failure).as("the startup failure's TidefallConfigurationException").isNotNull();
        TidefallConfigurationException refused = (TidefallConfigurationException) failure;
        assertThat(refused.getDescription()).contains(description);
        assertThat(refused.getAction()).contains(action);
    }
}

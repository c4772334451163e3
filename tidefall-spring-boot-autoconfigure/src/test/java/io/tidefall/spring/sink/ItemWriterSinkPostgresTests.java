package io.tidefall.spring.sink;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import org.springframework.batch.infrastructure.item.database.JdbcBatchItemWriter;
import org.springframework.batch.infrastructure.item.database.builder.JdbcBatchItemWriterBuilder;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.SimplePropertySqlParameterSource;

import io.tidefall.BatchFailureHandler;
import io.tidefall.FailedBatch;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;
import io.tidefall.spring.autoconfigure.sink.TidefallSinkAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sink.item-writer} with Spring Batch's {@link JdbcBatchItemWriter} on PostgreSQL: every
 * chunk is written in a transaction of the application's transaction manager, and a row the
 * database refuses is narrowed down to the failure handler while its chunk's other rows are
 * stored. Runs when {@code TIDEFALL_TEST_POSTGRES_URL} is set, as {@link JdbcSinkPostgresTests}.
 */
@EnabledIfEnvironmentVariable(named = JdbcSinkPostgresTests.URL, matches = ".+")
class ItemWriterSinkPostgresTests {

    record Reading(long id, String sensor, double celsius) {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                    TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class,
                    TidefallSinkAutoConfiguration.class))
            .withUserConfiguration(WriterConfiguration.class)
            .withPropertyValues("spring.datasource.url=" + System.getenv(JdbcSinkPostgresTests.URL),
                    "spring.datasource.username=" + env("TIDEFALL_TEST_POSTGRES_USER"),
                    "spring.datasource.password=" + env("TIDEFALL_TEST_POSTGRES_PASSWORD"),
                    "tidefall.buffers.readings.partitions=2",
                    "tidefall.buffers.readings.processing-interval=100ms",
                    "tidefall.buffers.readings.processing-batch-size=500",
                    "tidefall.buffers.readings.retry-backoff=20ms",
                    "tidefall.buffers.readings.failure-handler=lost",
                    "tidefall.buffers.readings.sink.item-writer=readingWriter");

    @Test
    void everyChunkGoesToTheItemWriterAndARefusedRowAloneToTheFailureHandler() {
        this.runner.run(context -> {
            assertThat(context).hasNotFailed();
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("drop table if exists sink_readings");
            jdbc.execute("create table sink_readings (id bigint primary key, sensor varchar(20) not null,"
                    + " celsius double precision not null check (celsius > -273.15))");
            TidefallQueue<Reading> readings = context.getBean(TidefallBuffers.class).queue("readings");
            for (int i = 0; i < 10_000; i++) {
                readings.push(new Reading(i, "s" + (i % 10), i == 4_321 ? -300 : 20 + i % 5));
            }
            readings.push(new Reading(7, "s7", 21)); // delivered twice: stored once
            readings.flush();
            Lost lost = context.getBean(Lost.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> lost.elements.size() == 1 && readings.bufferSize() == 0);
            assertThat(lost.elements).singleElement().isEqualTo(new Reading(4_321, "s1", -300));
            assertThat(jdbc.queryForObject("select count(*) from sink_readings", Long.class)).isEqualTo(9_999);
        });
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value != null ? value : "";
    }

    static final class Lost implements BatchFailureHandler<Object> {

        final List<Object> elements = new CopyOnWriteArrayList<>();

        @Override
        public void handle(FailedBatch<Object> failed) {
            this.elements.addAll(failed.elements());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WriterConfiguration {

        @Bean
        JdbcBatchItemWriter<Reading> readingWriter(DataSource dataSource) {
            return new JdbcBatchItemWriterBuilder<Reading>().dataSource(dataSource)
                    .sql("insert into sink_readings (id, sensor, celsius) values (:id, :sensor, :celsius) on conflict (id) do nothing")
                    .itemSqlParameterSourceProvider(SimplePropertySqlParameterSource::new)
                    .assertUpdates(false)
                    .build();
        }

        @Bean
        Lost lost() {
            return new Lost();
        }
    }
}

package io.tidefall.spring.sink;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

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

import io.tidefall.BatchFailureHandler;
import io.tidefall.FailedBatch;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;
import io.tidefall.spring.autoconfigure.metrics.TidefallMetricsAutoConfiguration;
import io.tidefall.spring.autoconfigure.sink.TidefallSinkAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code sink.jdbc} on an embedded H2 database: what it binds, and how its failures are classified. */
class JdbcSinkTests {

    record Visit(long id, String user, Instant at) {
    }

    record Presence(String status) {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                    TaskExecutionAutoConfiguration.class, TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class,
                    TidefallSinkAutoConfiguration.class, TidefallMetricsAutoConfiguration.class))
            .withUserConfiguration(FailuresConfiguration.class)
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:jdbc-sink-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1",
                    "tidefall.defaults.processing-interval=50ms", "tidefall.defaults.failure-handler=failures",
                    "tidefall.defaults.retry-backoff=10ms", "tidefall.defaults.delivery-timeout=10s");

    @Test
    void queueElementsAreBoundByTheirComponentsAndStoredOnceHoweverOftenDelivered() {
        this.runner.withBean(SimpleMeterRegistry.class)
                .withPropertyValues("tidefall.buffers.visits.processing-batch-size=100",
                        "tidefall.buffers.visits.sink.jdbc.sql=merge into visits v using (values (:id, :user, :at)) as n (id, user_id, at)"
                                + " on v.id = n.id when not matched then insert (id, user_id, at) values (n.id, n.user_id, n.at)")
                .run(context -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("create table visits (id bigint primary key, user_id varchar(20) not null, at timestamp with time zone not null)");
                    TidefallQueue<Visit> visits = context.getBean(TidefallBuffers.class).queue("visits");
                    Instant at = Instant.parse("2026-01-02T03:04:05Z");
                    for (int i = 0; i < 1000; i++) {
                        visits.push(new Visit(i, "u" + (i % 7), at));
                    }
                    visits.push(new Visit(5, "u5", at)); // delivered twice: stored once
                    assertThat(visits.flush().failed()).isZero();
                    assertThat(jdbc.queryForObject("select count(*) from visits", Long.class)).isEqualTo(1000);
                    assertThat(jdbc.queryForObject("select user_id from visits where id = 12", String.class)).isEqualTo("u5");
                    assertThat(jdbc.queryForObject("select at from visits where id = 12", java.time.OffsetDateTime.class).toInstant())
                            .isEqualTo(at);
                    MeterRegistry meters = context.getBean(MeterRegistry.class);
                    assertThat(meters.get("tidefall.processing.elements").tag("buffer", "visits").tag("outcome", "success")
                            .counter().count()).isEqualTo(1001);
                    assertThat(meters.get("tidefall.processing").tag("buffer", "visits").timer().count()).isPositive();
                });
    }

    @Test
    void hashMapEntriesBindKeyVersionUpdatesAndTheValuesProperties() {
        this.runner.withPropertyValues("tidefall.buffers.presence.type=hash-map",
                "tidefall.buffers.presence.sink.jdbc.sql=merge into presence p using (values (:key, :status, :version, :updates))"
                        + " as n (user_id, status, seen_at, updates) on p.user_id = n.user_id"
                        + " when matched and n.seen_at > p.seen_at then update set status = n.status, seen_at = n.seen_at, updates = n.updates"
                        + " when not matched then insert values (n.user_id, n.status, n.seen_at, n.updates)")
                .run(context -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("create table presence (user_id varchar(20) primary key, status varchar(20) not null,"
                            + " seen_at bigint not null, updates int not null)");
                    TidefallHashMap<String, Presence> presence = context.getBean(TidefallBuffers.class).hashMap("presence");
                    presence.putNewer("ann", new Presence("online"), 10);
                    presence.putNewer("ann", new Presence("away"), 30);
                    presence.putNewer("ann", new Presence("stale"), 20);
                    presence.putNewer("bob", new Presence("online"), 5);
                    assertThat(presence.flush().failed()).isZero();
                    Map<String, Object> ann = jdbc.queryForMap("select * from presence where user_id = 'ann'");
                    assertThat(ann).containsEntry("STATUS", "away").containsEntry("SEEN_AT", 30L);
                    assertThat(jdbc.queryForObject("select count(*) from presence", Long.class)).isEqualTo(2);
                });
    }

    @Test
    void anElementTheDatabaseRefusesIsNarrowedDownAtOnceAndTheRestStored() {
        this.runner.withPropertyValues("tidefall.buffers.visits.partitions=1", "tidefall.buffers.visits.processing-batch-size=table",
                "tidefall.buffers.visits.sink.jdbc.sql=insert into visits (id, user_id, at) values (:id, :user, :at)")
                .run(context -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("create table visits (id bigint primary key, user_id varchar(20) not null check (user_id <> 'poison'),"
                            + " at timestamp with time zone not null)");
                    TidefallQueue<Visit> visits = context.getBean(TidefallBuffers.class).queue("visits");
                    for (int i = 0; i < 64; i++) {
                        visits.push(new Visit(i, i == 37 ? "poison" : "u", Instant.now()));
                    }
                    visits.flush();
                    Recorded failures = context.getBean(Recorded.class);
                    await().atMost(Duration.ofSeconds(10)).until(() -> failures.elements.size() == 1);
                    assertThat(failures.elements).singleElement().extracting(element -> ((Visit) element).id()).isEqualTo(37L);
                    assertThat(jdbc.queryForObject("select count(*) from visits", Long.class)).isEqualTo(63);
                });
    }

    @Test
    void aBeanElementIsBoundByItsProperties() {
        this.runner.withPropertyValues("tidefall.buffers.notes.sink.jdbc.sql=insert into notes (text) values (:text)")
                .run(context -> {
                    JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
                    jdbc.execute("create table notes (text varchar(20) not null)");
                    TidefallQueue<Object> notes = context.getBean(TidefallBuffers.class).queue("notes");
                    notes.push(new Note("hello"));
                    notes.push(Map.of("text", "a map"));
                    assertThat(notes.flush().failed()).isZero();
                    assertThat(jdbc.queryForList("select text from notes order by text", String.class)).containsExactly("a map", "hello");
                });
    }

    /** A JavaBean: bound by its getter, not its field (named differently). */
    public static final class Note {

        private final String content;

        Note(String content) {
            this.content = content;
        }

        public String getText() {
            return this.content;
        }
    }

    static final class Recorded implements BatchFailureHandler<Object> {

        final List<Object> elements = new CopyOnWriteArrayList<>();

        @Override
        public void handle(FailedBatch<Object> failed) {
            this.elements.addAll(failed.elements());
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class FailuresConfiguration {

        @Bean
        Recorded failures() {
            return new Recorded();
        }
    }
}

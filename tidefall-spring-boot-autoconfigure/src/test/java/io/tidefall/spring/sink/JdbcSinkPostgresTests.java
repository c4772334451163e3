package io.tidefall.spring.sink;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.tidefall.FlushResult;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.autoconfigure.TidefallAutoConfiguration;
import io.tidefall.spring.autoconfigure.sink.TidefallSinkAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application that declares {@code sink.jdbc} in its configuration and no processor in code
 * stores every pushed element in PostgreSQL, a chunk per transaction. Runs when
 * {@code TIDEFALL_TEST_POSTGRES_URL} holds a JDBC URL (with {@code TIDEFALL_TEST_POSTGRES_USER} and
 * {@code TIDEFALL_TEST_POSTGRES_PASSWORD}); {@code .ci/run} starts a throwaway PostgreSQL and sets them.
 *
 * <p>The transactions are counted by the server: {@code pg_stat_database.xact_commit} of the test's
 * database, read before the application starts and after it has closed and every one of its
 * connections has ended (a backend reports its counts when it exits).
 */
@EnabledIfEnvironmentVariable(named = JdbcSinkPostgresTests.URL, matches = ".+")
class JdbcSinkPostgresTests {

    static final String URL = "TIDEFALL_TEST_POSTGRES_URL";

    private static final int ELEMENTS = 100_000;

    private static final int WRITERS = 4;

    private static final String UPSERT = """
            insert into sink_page_views (id, user_id, path, received_at)
            values (:id, :user, :path, :receivedAt)
            on conflict (id) do nothing
            """;

    record PageView(UUID id, String user, String path, Instant receivedAt) {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class, TidefallSinkAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=" + System.getenv(URL),
                    "spring.datasource.username=" + env("TIDEFALL_TEST_POSTGRES_USER"),
                    "spring.datasource.password=" + env("TIDEFALL_TEST_POSTGRES_PASSWORD"),
                    "tidefall.buffers.views.type=queue",
                    "tidefall.buffers.views.partitions=2",
                    "tidefall.buffers.views.processing-interval=200ms",
                    "tidefall.buffers.views.processing-batch-size=500",
                    "tidefall.buffers.views.drain-threshold=1000",
                    "tidefall.buffers.views.drain-check-interval=50ms",
                    "tidefall.buffers.views.sink.jdbc.sql=" + UPSERT);

    @Test
    void storesEveryPushedElementWithAFewTransactionsPerThousand() throws Exception {
        execute("drop table if exists sink_page_views",
                "create table sink_page_views (id uuid primary key, user_id varchar(100) not null,"
                        + " path varchar(2048) not null, received_at timestamp with time zone not null)");
        awaitNoOtherBackends();
        long before = committedTransactions();
        this.runner.run(context -> {
            assertThat(context).hasNotFailed();
            TidefallQueue<PageView> views = context.getBean(TidefallBuffers.class).queue("views");
            ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int writer = 0; writer < WRITERS; writer++) {
                    int first = writer;
                    done.add(writers.submit(() -> {
                        for (int i = first; i < ELEMENTS; i += WRITERS) {
                            views.push(new PageView(UUID.randomUUID(), "user-" + (i % 100), "/page/" + i, Instant.now()));
                        }
                    }));
                }
                for (Future<?> writer : done) {
                    writer.get();
                }
            } finally {
                writers.shutdown();
            }
            FlushResult flushed = views.flush();
            assertThat(flushed.failed()).isZero();
            await().atMost(Duration.ofSeconds(60)).until(() -> views.bufferSize() == 0);
        });
        awaitNoOtherBackends();
        long transactions = committedTransactions() - before;
        assertThat(count("select count(*) from sink_page_views")).isEqualTo(ELEMENTS);
        double perThousand = transactions * 1000.0 / ELEMENTS;
        System.out.printf("sink.jdbc on PostgreSQL: %,d elements in %,d committed transactions (%.2f per 1,000)%n",
                ELEMENTS, transactions, perThousand);
        assertThat(perThousand).as("committed transactions per 1,000 elements").isLessThanOrEqualTo(5.0);
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value != null ? value : "";
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(System.getenv(URL), env("TIDEFALL_TEST_POSTGRES_USER"), env("TIDEFALL_TEST_POSTGRES_PASSWORD"));
    }

    private static void execute(String... statements) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static long count(String sql) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Until every other connection to this database has ended, and so reported its transactions. */
    private static void awaitNoOtherBackends() {
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from pg_stat_activity"
                + " where datname = current_database() and pid <> pg_backend_pid()") == 0);
    }

    private static long committedTransactions() throws SQLException {
        return count("select xact_commit from pg_stat_database where datname = current_database()");
    }
}

package io.tidefall.sample;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import io.tidefall.BatchProcessor;
import io.tidefall.Buffer;
import io.tidefall.PartitionStats;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.deadletter.DeadLetterStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A new application configured as the README's quick start says, and nothing more (no dead-letter
 * settings, no failure handler, the starter's defaults), on PostgreSQL under steady load: neither
 * an outage past the delivery timeout nor a table dropped and re-created discards a page view.
 *
 * <p>Scaled down so that it runs in CI: in the outage the delivery timeout is 6 s instead of the
 * default 2 min (the outage lasts 20 s, so chunks reach their deadline and go to the default
 * dead-letter store), and the database connection pool waits 5 s instead of 30 s. The dropped
 * table keeps the default delivery timeout, which outlasts its 20 s. The
 * database "goes away" through a {@link TcpProxy}, as in {@link PostgresOutageTests}.
 */
@EnabledIfEnvironmentVariable(named = PostgresIngestionTests.URL, matches = ".+")
@ExtendWith(OutputCaptureExtension.class)
class QuickStartOutageTests {

    static final Duration OUTAGE = Duration.ofSeconds(20);
    static final Duration SETTLES_WITHIN = Duration.ofSeconds(40);
    static final Duration HEALS_WITHIN = Duration.ofSeconds(60);
    private static final Pattern HOST_AND_PORT = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?(/.*)$");
    private static final String TABLE = "create table if not exists quick_start_page_views"
            + " (id uuid primary key, user_id varchar(100), path varchar(200))";

    private final String run = "quick-start-" + UUID.randomUUID();
    private TcpProxy proxy;
    private String proxiedUrl;

    @BeforeEach
    void proxyToPostgres() throws IOException, SQLException {
        Matcher url = HOST_AND_PORT.matcher(System.getenv(PostgresIngestionTests.URL));
        assertThat(url.matches()).as("a jdbc:postgresql://host[:port]/database URL").isTrue();
        this.proxy = new TcpProxy(url.group(1), url.group(2) != null ? Integer.parseInt(url.group(2)) : 5432);
        this.proxiedUrl = "jdbc:postgresql://127.0.0.1:" + this.proxy.port() + url.group(3);
        execute(TABLE);
    }

    @AfterEach
    void closeProxy() throws SQLException {
        this.proxy.close();
        execute("drop table if exists quick_start_page_views_before_drop");
    }

    @Test
    void anOutagePastTheDeliveryTimeoutDiscardsNothing(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext app = start("--tidefall.buffers.page-views.delivery-timeout=6s");
                Pushers load = new Pushers(app, this.run)) {
            assertThat(output).as("the default dead-letter store is said at startup").contains("tidefall-dead-letters");
            DeadLetterStore store = app.getBean(DeadLetterStore.class);
            await().atMost(SETTLES_WITHIN).until(() -> stored().size() >= 400);

            this.proxy.cut();
            Instant cutAt = Instant.now();
            await().atMost(SETTLES_WITHIN).until(() -> store.count("page-views") > 0);
            long deadLettered = store.count("page-views");
            await().atMost(OUTAGE.plus(SETTLES_WITHIN)).until(() -> Duration.between(cutAt, Instant.now()).compareTo(OUTAGE) >= 0);
            this.proxy.restore();

            Set<String> accepted = load.stop();
            await().atMost(HEALS_WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(stored()).containsAll(accepted));
            await().atMost(SETTLES_WITHIN).until(() -> store.count("page-views") == 0);
            assertThat(handedToFailureHandler(app)).as("the outage outlasted the delivery timeout").isPositive();
            System.out.println("quick start, outage of " + OUTAGE.toSeconds() + "s past a 6s delivery timeout: " + accepted.size()
                    + " page views accepted, " + deadLettered + "+ dead-lettered to the default store and healed, 0 missing");
        }
    }

    /**
     * The table is dropped under load and re-created 20 s later, as a botched migration would. What
     * was stored before is kept aside in the same transaction as the drop, so that every accepted
     * page view can be found: in the table, or in what the drop took.
     */
    @Test
    void aTableDroppedAndRecreatedDiscardsNothing() throws Exception {
        try (ConfigurableApplicationContext app = start(); Pushers load = new Pushers(app, this.run)) {
            await().atMost(SETTLES_WITHIN).until(() -> stored().size() >= 400);

            // The lock first: it waits for the inserts in flight, so that the copy holds their rows too.
            executeInOneTransaction("lock table quick_start_page_views in access exclusive mode",
                    "create table quick_start_page_views_before_drop as select * from quick_start_page_views",
                    "drop table quick_start_page_views");
            Instant droppedAt = Instant.now();
            try {
                await().atMost(OUTAGE.plus(SETTLES_WITHIN))
                        .until(() -> Duration.between(droppedAt, Instant.now()).compareTo(OUTAGE) >= 0);
            } finally {
                execute(TABLE);
            }

            Set<String> accepted = load.stop();
            await().atMost(HEALS_WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertThat(storedOrTaken()).containsAll(accepted));
            assertThat(retried(app)).as("the missing table's failures were retried").isPositive();
            assertThat(handedToFailureHandler(app)).as("a missing table is the sink's failure, not the page views'").isZero();
            assertThat(app.getBean(DeadLetterStore.class).count("page-views")).isZero();
            System.out.println("quick start, table dropped for " + OUTAGE.toSeconds() + "s: " + accepted.size()
                    + " page views accepted, 0 to the failure handler, 0 missing");
        }
    }

    /**
     * The README's quick start: its record and its processor, on a table of its own here. A plain
     * {@code @Configuration}, not {@code @SpringBootConfiguration}: a second one in this package would
     * leave the sample's {@code @SpringBootTest}s unable to choose theirs.
     */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class QuickStartApplication {

        static final String INSERT_UNLESS_STORED = """
                merge into quick_start_page_views p
                using (values (cast(? as uuid), cast(? as varchar(100)), cast(? as varchar(200)))) as v (id, user_id, path)
                on p.id = v.id
                when not matched then insert (id, user_id, path) values (v.id, v.user_id, v.path)
                """;

        @Bean
        BatchProcessor<QuickStartPageView> pageViewWriter(JdbcTemplate jdbc) {
            return batch -> jdbc.batchUpdate(INSERT_UNLESS_STORED, batch, batch.size(), (statement, view) -> {
                statement.setObject(1, view.id());
                statement.setString(2, view.userId());
                statement.setString(3, view.path());
            });
        }
    }

    record QuickStartPageView(UUID id, String userId, String path) {
    }

    /** Four threads pushing 1,000 page views a second together; a page view counts as accepted once push returned. */
    private static final class Pushers implements AutoCloseable {

        private final ScheduledExecutorService threads = Executors.newScheduledThreadPool(4);
        private final Set<String> accepted = ConcurrentHashMap.newKeySet();

        Pushers(ConfigurableApplicationContext app, String run) {
            @SuppressWarnings("unchecked")
            TidefallQueue<QuickStartPageView> buffer = app.getBean("page-views", TidefallQueue.class);
            for (int thread = 0; thread < 4; thread++) {
                this.threads.scheduleAtFixedRate(() -> {
                    String path = "/" + run + "/" + UUID.randomUUID();
                    buffer.push(new QuickStartPageView(UUID.randomUUID(), "user", path));
                    this.accepted.add(path);
                }, 0, 4, TimeUnit.MILLISECONDS);
            }
        }

        Set<String> stop() throws InterruptedException {
            this.threads.shutdown();
            assertThat(this.threads.awaitTermination(10, TimeUnit.SECONDS)).as("pushers stopped").isTrue();
            return Set.copyOf(this.accepted);
        }

        @Override
        public void close() {
            this.threads.shutdownNow();
        }
    }

    /** The quick start's configuration; the two scaled-down timeouts; the proxied database. No dead-letter setting. */
    private ConfigurableApplicationContext start(String... more) {
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.config.name=quick-start", // not the sample's application.yml
                "--tidefall.buffers.page-views.processor=pageViewWriter",
                "--tidefall.buffers.page-views.processing-interval=500ms",
                "--tidefall.buffers.page-views.processing-batch-size=500",
                "--spring.datasource.url=" + this.proxiedUrl,
                "--spring.datasource.username=" + env("TIDEFALL_TEST_POSTGRES_USER"),
                "--spring.datasource.password=" + env("TIDEFALL_TEST_POSTGRES_PASSWORD"),
                "--spring.datasource.hikari.connection-timeout=5000",
                "--logging.level.com.zaxxer.hikari=OFF"));
        arguments.addAll(List.of(more));
        return new SpringApplicationBuilder(QuickStartApplication.class).web(WebApplicationType.NONE)
                .run(arguments.toArray(String[]::new));
    }

    private static long handedToFailureHandler(ConfigurableApplicationContext app) {
        return stats(app).stream().mapToLong(PartitionStats::failed).sum();
    }

    private static long retried(ConfigurableApplicationContext app) {
        return stats(app).stream().mapToLong(PartitionStats::retried).sum();
    }

    private static List<PartitionStats> stats(ConfigurableApplicationContext app) {
        Buffer buffer = app.getBean("page-views", Buffer.class);
        List<PartitionStats> stats = new ArrayList<>();
        for (int partition = 0; partition < buffer.partitions(); partition++) {
            stats.add(buffer.stats(partition));
        }
        return stats;
    }

    private Set<String> stored() throws SQLException {
        return paths("select path from quick_start_page_views where path like ?");
    }

    private Set<String> storedOrTaken() throws SQLException {
        return paths("select path from quick_start_page_views where path like ?"
                + " union all select path from quick_start_page_views_before_drop where path like ?");
    }

    private Set<String> paths(String sql) throws SQLException {
        Set<String> paths = new HashSet<>();
        try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(sql)) {
            for (int parameter = 1; parameter <= query.getParameterMetaData().getParameterCount(); parameter++) {
                query.setString(parameter, "/" + this.run + "/%");
            }
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    paths.add(rows.getString(1));
                }
            }
        }
        return paths;
    }

    private static void execute(String sql) throws SQLException {
        executeInOneTransaction(sql);
    }

    private static void executeInOneTransaction(String... statements) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (String sql : statements) {
                statement.execute(sql);
            }
            connection.commit();
        }
    }

    /** Straight to PostgreSQL, not through the proxy. */
    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(System.getenv(PostgresIngestionTests.URL), env("TIDEFALL_TEST_POSTGRES_USER"),
                env("TIDEFALL_TEST_POSTGRES_PASSWORD"));
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value != null ? value : "";
    }
}

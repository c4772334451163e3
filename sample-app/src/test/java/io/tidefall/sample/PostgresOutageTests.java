package io.tidefall.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.tidefall.spring.deadletter.DeadLetterStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app on PostgreSQL through database outages, under steady load: every page view
 * answered 202 ends up stored exactly once. The database "goes away" by cutting a {@link TcpProxy}
 * between the application and PostgreSQL (connections in use fail, new ones are refused), so the
 * PostgreSQL that {@code .ci/run} starts stays up for the other tests.
 *
 * <p>Timeouts are shortened here, not in the application's defaults: processing timeout 2s, and
 * Hikari waits 5s for a connection, so a drain during an outage runs into its processing timeout.
 */
@EnabledIfEnvironmentVariable(named = PostgresIngestionTests.URL, matches = ".+")
class PostgresOutageTests {

    static final Duration PROCESSING_TIMEOUT = Duration.ofSeconds(2);
    static final Duration OUTAGE = PROCESSING_TIMEOUT.multipliedBy(3);
    static final Duration SETTLES_WITHIN = Duration.ofSeconds(40);
    private static final Pattern HOST_AND_PORT = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?(/.*)$");

    @TempDir
    Path deadLetters;

    private final String run = "outage-" + UUID.randomUUID();
    private final HttpClient http = HttpClient.newHttpClient();
    private TcpProxy proxy;
    private String proxiedUrl;

    @BeforeEach
    void proxyToPostgres() throws IOException {
        Matcher url = HOST_AND_PORT.matcher(System.getenv(PostgresIngestionTests.URL));
        assertThat(url.matches()).as("a jdbc:postgresql://host[:port]/database URL").isTrue();
        this.proxy = new TcpProxy(url.group(1), url.group(2) != null ? Integer.parseInt(url.group(2)) : 5432);
        this.proxiedUrl = "jdbc:postgresql://127.0.0.1:" + this.proxy.port() + url.group(3);
    }

    @AfterEach
    void closeProxy() {
        this.proxy.close();
    }

    @Test
    void anOutageLongerThanTheProcessingTimeoutLosesNothing() throws Exception {
        try (ConfigurableApplicationContext app = start()) {
            int port = port(app);
            PageViewLoad load = new PageViewLoad(this.run, port, 4, 400);
            await().atMost(SETTLES_WITHIN).until(() -> load.acceptedCount() >= 400);

            this.proxy.cut();
            Instant cutAt = Instant.now();
            long acceptedAtCut = load.acceptedCount();
            await().atMost(OUTAGE.plus(SETTLES_WITHIN)).until(() -> Duration.between(cutAt, Instant.now()).compareTo(OUTAGE) >= 0);
            long acceptedDuringOutage = load.acceptedCount() - acceptedAtCut;
            this.proxy.restore();

            long acceptedAtRestore = load.acceptedCount();
            await().atMost(SETTLES_WITHIN).until(() -> load.acceptedCount() >= acceptedAtRestore + 400);
            load.close();

            long deadLettered = app.getBean(DeadLetterStore.class).count("events");
            awaitEverythingStored(load.accepted(), port);
            assertThat(deadLettered).as("an outage shorter than the delivery timeout is ridden out by retries").isZero();
            report("outage of " + OUTAGE.toSeconds() + "s", load, acceptedDuringOutage, deadLettered);
        }
    }

    @Test
    void aStopDuringAnOutageLosesNothingOnceTheApplicationRestartsWithTheDatabaseBack() throws Exception {
        PageViewLoad load;
        long deadLettered;
        try (ConfigurableApplicationContext app = start()) {
            load = new PageViewLoad(this.run, port(app), 4, 400);
            await().atMost(SETTLES_WITHIN).until(() -> load.acceptedCount() >= 400);
            this.proxy.cut();
            long acceptedAtCut = load.acceptedCount();
            await().atMost(SETTLES_WITHIN).until(() -> load.acceptedCount() >= acceptedAtCut + 400);
            load.close();
            // closing the context: the buffers' final drains fail, so what they held is dead-lettered
        }
        deadLettered = storedDeadLetters();
        assertThat(deadLettered).as("page views held when the application stopped").isPositive();
        assertThat(storedRows()).as("the database was down: not everything accepted is stored yet")
                .hasSizeLessThan(load.accepted().size());

        this.proxy.restore();
        try (ConfigurableApplicationContext restarted = start()) { // replays the dead letters on start
            awaitEverythingStored(load.accepted(), port(restarted));
            assertThat(storedDeadLetters()).isZero();
        }
        report("stop during an outage, then a restart", load, 0, deadLettered);
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(SampleApplication.class).profiles("postgres").run(
                "--server.port=0",
                "--spring.datasource.url=" + this.proxiedUrl,
                "--spring.datasource.username=" + env("TIDEFALL_TEST_POSTGRES_USER"),
                "--spring.datasource.password=" + env("TIDEFALL_TEST_POSTGRES_PASSWORD"),
                "--spring.datasource.hikari.connection-timeout=5000",
                "--tidefall.defaults.processing-timeout=" + PROCESSING_TIMEOUT.toMillis() + "ms",
                "--tidefall.dead-letter.directory=" + this.deadLetters,
                "--tidefall.dead-letter.replay-on-start=true",
                "--logging.level.com.zaxxer.hikari=OFF",
                "--logging.level.io.tidefall=WARN");
    }

    /**
     * Waits until every accepted page view is stored, replaying dead letters (as an operator would
     * once the database is back) while it waits; then checks that none is stored twice.
     */
    private void awaitEverythingStored(Set<String> accepted, int port) throws SQLException {
        await().atMost(SETTLES_WITHIN).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            replay(port);
            assertThat(storedRows()).containsAll(accepted);
        });
        assertThat(count("select count(*) - count(distinct path) from page_views where path like ?"))
                .as("page views stored twice").isZero();
    }

    private void replay(int port) throws IOException, InterruptedException {
        HttpResponse<String> answer = this.http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/tidefall/events/replay"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private Set<String> storedRows() throws SQLException {
        Set<String> paths = new HashSet<>();
        try (Connection connection = connect();
                PreparedStatement query = connection.prepareStatement("select path from page_views where path like ?")) {
            query.setString(1, "/" + this.run + "/%");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    paths.add(rows.getString(1));
                }
            }
        }
        return paths;
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = connect(); PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, "/" + this.run + "/%");
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private long storedDeadLetters() {
        return new DeadLetterStore(this.deadLetters, org.springframework.util.unit.DataSize.ofGigabytes(1),
                tools.jackson.databind.json.JsonMapper.builder().build(), getClass().getClassLoader()).count("events");
    }

    /** Straight to PostgreSQL, not through the proxy. */
    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(System.getenv(PostgresIngestionTests.URL), env("TIDEFALL_TEST_POSTGRES_USER"),
                env("TIDEFALL_TEST_POSTGRES_PASSWORD"));
    }

    private static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value != null ? value : "";
    }

    private static void report(String scenario, PageViewLoad load, long acceptedDuringOutage, long deadLettered) {
        System.out.println("outage test, " + scenario + ": " + load.accepted().size() + " page views accepted (202)"
                + (acceptedDuringOutage > 0 ? ", " + acceptedDuringOutage + " of them during the outage" : "")
                + ", all stored once; " + deadLettered + " went through the dead-letter store; answers " + load.answers());
    }
}

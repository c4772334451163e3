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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import io.tidefall.Buffer;
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
@ExtendWith(OutputCaptureExtension.class)
class PostgresOutageTests {

    static final Duration PROCESSING_TIMEOUT = Duration.ofSeconds(2);
    static final Duration OUTAGE = PROCESSING_TIMEOUT.multipliedBy(3);
    static final Duration SETTLES_WITHIN = Duration.ofSeconds(40);
    /** Past the 6 s delivery timeout the healing test sets: chunks reach their deadline during the outage. */
    static final Duration LONG_OUTAGE = Duration.ofSeconds(20);
    static final Duration MISSING_TABLE = Duration.ofSeconds(20);
    /** The bound: every page view stored within 60 s of the database's return, with no call. */
    static final Duration HEALS_WITHIN = Duration.ofSeconds(60);
    private static final Pattern HOST_AND_PORT = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?(/.*)$");

    @TempDir
    Path deadLetters;

    private final String run = "outage-" + UUID.randomUUID();
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
            awaitEverythingStored(load.accepted(), SETTLES_WITHIN);
            assertThat(retried(app)).as("the cut hit drains: their chunks were retried").isPositive();
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
        try (ConfigurableApplicationContext restarted = start("--tidefall.dead-letter.replay-on-start=true")) {
            awaitEverythingStored(load.accepted(), SETTLES_WITHIN); // replayed on start
            assertThat(storedDeadLetters()).isZero();
        }
        report("stop during an outage, then a restart", load, 0, deadLettered);
    }

    /**
     * An outage past the delivery timeout: chunks reach their deadline and go to the dead-letter
     * store while the database is down. Once it is back, the dead letters come back by themselves
     * (the healer's probe), with no call and no restart, and the {@code tidefall} health component
     * is DOWN from the first threshold until everything is stored, never UP in between.
     */
    @Test
    void anOutagePastTheDeliveryTimeoutHealsByItselfAndHealthStaysDownUntilEverythingIsStored(CapturedOutput output)
            throws Exception {
        try (ConfigurableApplicationContext app = start("--tidefall.defaults.delivery-timeout=6s",
                "--tidefall.dead-letter.probe-backoff-max=4s", "--management.health.tidefall.retrying-threshold=2s",
                "--logging.level.io.tidefall.spring.deadletter=INFO");
                HealthPoller health = new HealthPoller(port(app), app.getBean(DeadLetterStore.class))) {
            PageViewLoad load = new PageViewLoad(this.run, port(app), 4, 400);
            await().atMost(SETTLES_WITHIN).until(() -> load.acceptedCount() >= 400);
            await().atMost(SETTLES_WITHIN).until(() -> "UP".equals(health.last()));

            this.proxy.cut();
            Instant cutAt = Instant.now();
            DeadLetterStore store = app.getBean(DeadLetterStore.class);
            await().atMost(SETTLES_WITHIN).until(() -> store.count("events") > 0);
            long deadLetteredDuringOutage = store.count("events");
            await().atMost(SETTLES_WITHIN).until(() -> Duration.between(cutAt, Instant.now()).compareTo(LONG_OUTAGE) >= 0);
            this.proxy.restore();
            Instant restoredAt = Instant.now();

            long acceptedAtRestore = load.acceptedCount();
            await().atMost(SETTLES_WITHIN).until(() -> load.acceptedCount() >= acceptedAtRestore + 400);
            load.close();
            awaitEverythingStored(load.accepted(), HEALS_WITHIN);
            Instant storedAt = Instant.now();
            await().atMost(SETTLES_WITHIN).until(() -> store.count("events") == 0 && "UP".equals(health.last()));

            assertThat(retried(app)).as("the cut hit drains").isPositive();
            List<HealthPoller.Sample> samples = health.samples();
            Instant firstDown = samples.stream().filter(sample -> sample.at().isAfter(cutAt) && sample.status().equals("DOWN"))
                    .map(HealthPoller.Sample::at).findFirst().orElseThrow(() -> new AssertionError("never DOWN: " + samples));
            // UP again only once the database is back and no dead letter waits: what is left then flows normally.
            assertThat(samples).as("never UP after the first DOWN while the database is down or dead letters wait")
                    .filteredOn(sample -> sample.at().isAfter(firstDown)
                            && (sample.at().isBefore(restoredAt) || sample.deadLetters() > 0))
                    .extracting(HealthPoller.Sample::status).containsOnly("DOWN");
            long handedOver = meter(app, "failure") + meter(app, "timeout");
            // The log's counts are exact: a count the throttle held back is written when its interval ends.
            await().atMost(SETTLES_WITHIN).untilAsserted(() -> assertThat(logged(output, HANDED_OVER)).as("logged as handed over")
                    .isEqualTo(handedOver));
            assertThat(logged(output, REPLAYED)).as("logged as replayed").isEqualTo(handedOver);
            report("outage of " + LONG_OUTAGE.toSeconds() + "s past a 6s delivery timeout, healed in "
                    + Duration.between(restoredAt, storedAt).toSeconds() + "s with no call, health DOWN from +"
                    + Duration.between(cutAt, firstDown).toSeconds() + "s", load, 0, deadLetteredDuringOutage);
        }
    }

    /**
     * The table disappears under load (dropped, or not created yet) and comes back 20 seconds later:
     * every element fails alone, which is the sink's failure, not poison, so the chunks are kept and
     * retried, health is DOWN meanwhile, and nothing is discarded.
     */
    @Test
    void aMissingTableDuringLoadLosesNothingAndHealthSaysSo() throws Exception {
        try (ConfigurableApplicationContext app = start("--management.health.tidefall.retrying-threshold=2s");
                HealthPoller health = new HealthPoller(port(app), app.getBean(DeadLetterStore.class))) {
            PageViewLoad load = new PageViewLoad(this.run, port(app), 4, 400);
            await().atMost(SETTLES_WITHIN).until(() -> load.acceptedCount() >= 400);

            execute("alter table page_views rename to page_views_away");
            Instant goneAt = Instant.now();
            try {
                await().atMost(MISSING_TABLE).until(() -> "DOWN".equals(health.last()));
                await().atMost(MISSING_TABLE.plus(SETTLES_WITHIN))
                        .until(() -> Duration.between(goneAt, Instant.now()).compareTo(MISSING_TABLE) >= 0);
            } finally {
                execute("alter table page_views_away rename to page_views");
            }
            long acceptedAtReturn = load.acceptedCount();
            await().atMost(SETTLES_WITHIN).until(() -> load.acceptedCount() >= acceptedAtReturn + 400);
            load.close();

            awaitEverythingStored(load.accepted(), HEALS_WITHIN);
            assertThat(retried(app)).as("the missing table's failures were retried, not discarded").isPositive();
            assertThat(app.getBean(DeadLetterStore.class).count("events")).isZero();
            assertThat(failed(app)).as("nothing went to the failure handler").isZero();
            report("table missing for " + MISSING_TABLE.toSeconds() + "s", load, 0, 0);
        }
    }

    private static final Pattern HANDED_OVER = Pattern.compile("Buffer 'events': (\\d+) element\\(s\\) went to the failure handler");
    private static final Pattern REPLAYED = Pattern.compile("Replayed (\\d+) dead-lettered element\\(s\\) into buffer 'events'");

    /** The sum of the counts the log's lines matching {@code line} give. */
    private static long logged(CapturedOutput output, Pattern line) {
        long sum = 0;
        for (Matcher match = line.matcher(output.getOut()); match.find();) {
            sum += Long.parseLong(match.group(1));
        }
        return sum;
    }

    /** Elements of buffer 'events' the meters count with {@code outcome}. */
    private static long meter(ConfigurableApplicationContext app, String outcome) {
        io.micrometer.core.instrument.Counter counter = app.getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .find(io.tidefall.spring.metrics.TidefallMetrics.PROCESSING_ELEMENTS).tag("buffer", "events").tag("outcome", outcome)
                .counter();
        return counter != null ? (long) counter.count() : 0;
    }

    private void execute(String sql) throws SQLException {
        try (Connection connection = connect(); java.sql.Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long failed(ConfigurableApplicationContext app) {
        Buffer events = app.getBean("events", Buffer.class);
        long failed = 0;
        for (int partition = 0; partition < events.partitions(); partition++) {
            failed += events.stats(partition).failed();
        }
        return failed;
    }

    /** Reads {@code /actuator/health/tidefall/events} four times a second and keeps what it said. */
    private static final class HealthPoller implements AutoCloseable {

        record Sample(Instant at, String status, long deadLetters) {
        }

        /** The buffer's own status: the last member of the answer, after its details. */
        private static final Pattern STATUS = Pattern.compile("\"status\":\"(\\w+)\"}\\s*$");

        private final List<Sample> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor();
        private final HttpClient http = HttpClient.newHttpClient();

        HealthPoller(int port, DeadLetterStore store) {
            URI uri = URI.create("http://127.0.0.1:" + port + "/actuator/health/tidefall/events");
            this.timer.scheduleWithFixedDelay(() -> {
                try {
                    String body = this.http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
                    Matcher status = STATUS.matcher(body);
                    this.samples.add(new Sample(Instant.now(), status.find() ? status.group(1) : "unreadable: " + body,
                            store.count("events")));
                } catch (IOException | InterruptedException unreachable) {
                    this.samples.add(new Sample(Instant.now(), "unreachable", store.count("events")));
                }
            }, 0, 250, java.util.concurrent.TimeUnit.MILLISECONDS);
        }

        String last() {
            return this.samples.isEmpty() ? "none" : this.samples.get(this.samples.size() - 1).status();
        }

        List<Sample> samples() {
            return List.copyOf(this.samples);
        }

        @Override
        public void close() {
            this.timer.shutdownNow();
        }
    }

    /** The sample on the proxied PostgreSQL, with the test's settings; {@code more} adds or overrides ({@code --key=value}). */
    private ConfigurableApplicationContext start(String... more) {
        Map<String, String> arguments = new LinkedHashMap<>();
        for (String argument : List.of(
                "--server.port=0",
                "--spring.datasource.url=" + this.proxiedUrl,
                "--spring.datasource.username=" + env("TIDEFALL_TEST_POSTGRES_USER"),
                "--spring.datasource.password=" + env("TIDEFALL_TEST_POSTGRES_PASSWORD"),
                "--spring.datasource.hikari.connection-timeout=5000",
                "--tidefall.defaults.processing-timeout=" + PROCESSING_TIMEOUT.toMillis() + "ms",
                "--tidefall.dead-letter.directory=" + this.deadLetters,
                "--tidefall.dead-letter.replay-on-start=false",
                "--logging.level.com.zaxxer.hikari=OFF",
                "--logging.level.io.tidefall=WARN")) {
            arguments.put(argument.substring(0, argument.indexOf('=')), argument);
        }
        for (String argument : more) {
            arguments.put(argument.substring(0, argument.indexOf('=')), argument);
        }
        return new SpringApplicationBuilder(SampleApplication.class).profiles("postgres")
                .run(arguments.values().toArray(String[]::new));
    }

    /**
     * Waits until every accepted page view is stored, with no call and no restart (dead letters come
     * back by themselves), then checks that none is stored twice.
     */
    private void awaitEverythingStored(Set<String> accepted, Duration within) throws SQLException {
        await().atMost(within).pollInterval(Duration.ofMillis(500)).untilAsserted(
                () -> assertThat(storedRows()).containsAll(accepted));
        assertThat(count("select count(*) - count(distinct path) from page_views where path like ?"))
                .as("page views stored twice").isZero();
    }

    private static long retried(ConfigurableApplicationContext app) {
        Buffer events = app.getBean("events", Buffer.class);
        long retried = 0;
        for (int partition = 0; partition < events.partitions(); partition++) {
            retried += events.stats(partition).retried();
        }
        return retried;
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

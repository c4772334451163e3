package io.tidefall.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kill -9} under load loses no page view the API accepted. The sample app (its buffer
 * {@code events} with {@code durability: process}) runs in a JVM of its own on PostgreSQL and takes
 * about 1,000 page views a second from several senders, each page view with a path of its own; it
 * is killed with SIGKILL at a random moment, {@value #KILLS} times, and started again each time on
 * the same journal directory, whose replay hands over again what the killed process had accepted
 * but not settled. The last instance delivers what it holds and stops. Then every page view that
 * was answered 202 must be stored.
 *
 * <p>Delivery is at least once: what the database committed just before a kill, before its
 * journal segment was deleted, is handed over again after the restart, and the idempotent
 * {@code MERGE} stores it once. The test counts those hand-overs outside the {@code MERGE}, with
 * the test profile {@code delivery-log} (one row per committed hand-over, in the same transaction),
 * and prints them.
 *
 * <p>{@code TIDEFALL_TEST_CRASH=off} skips it ({@code .ci/run}'s second pass, which runs beside the
 * first: one loaded application at a time on two cores).
 *
 * <p>{@code -Dcrash.durability=memory} runs the same test without the journal: it fails, with the
 * page views that the kills lost. {@code -Dcrash.seed=N} repeats a run's kill moments.
 */
@EnabledIfEnvironmentVariable(named = PostgresIngestionTests.URL, matches = ".+")
class CrashRecoveryTests {

    static final String SWITCH = "TIDEFALL_TEST_CRASH";
    static final int KILLS = 5;
    static final int SENDERS = 8;
    static final int PAGE_VIEWS_PER_SECOND = 1_000;
    /** Each instance is killed once it has accepted this many page views, or up to twice as many: a random moment. */
    static final int ACCEPTED_BEFORE_KILL = 1_500;
    static final Duration ACCEPTS_WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    private final String run = "crash-" + UUID.randomUUID();

    @Test
    void killNineUnderLoadLosesNoPageViewTheApiAccepted() throws Exception {
        assumeThat(System.getenv(SWITCH)).as("%s=off turns the crash test off", SWITCH).isNotEqualTo("off");
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Instant began = Instant.now();
        List<Integer> killed = new ArrayList<>();
        int stopped;
        long startedIn;
        PageViewLoad load;
        try (SampleProcess app = new SampleProcess(arguments(), this.directory.resolve("sample.log"))) {
            app.start();
            load = new PageViewLoad(this.run, app.port(), SENDERS, PAGE_VIEWS_PER_SECOND);
            for (int kill = 0; kill < KILLS; kill++) {
                awaitAccepted(load, ACCEPTED_BEFORE_KILL + random.nextInt(ACCEPTED_BEFORE_KILL));
                killed.add(app.kill());
                app.start();
                load.retarget(app.port());
            }
            awaitAccepted(load, ACCEPTED_BEFORE_KILL);
            load.close();
            stopped = app.stop();
            startedIn = app.startingTime().toSeconds();
        }

        Set<String> accepted = load.accepted();
        Set<String> missing = new TreeSet<>(accepted);
        missing.removeAll(storedPaths());
        Map<String, Integer> handOvers = handOvers();
        int largest = handOvers.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        long duplicated = handOvers.values().stream().filter(count -> count > 1).count();
        System.out.println("crash test (durability " + durability() + ", seed " + seed + "): " + killed.size()
                + " kills under load (exit statuses " + killed + "), " + accepted.size() + " page views accepted (2xx), "
                + missing.size() + " missing; hand-overs to the database: at most " + largest + " per page view, "
                + duplicated + " page views handed over more than once; answers " + load.answers() + "; took "
                + Duration.between(began, Instant.now()).toSeconds() + "s, of which starting the application " + startedIn + "s");

        assertThat(killed).as("each kill was a SIGKILL").containsOnly(SampleProcess.KILLED).hasSize(KILLS);
        assertThat(stopped).as("the last instance stopped by SIGTERM, after its shutdown hooks").isEqualTo(SampleProcess.TERMINATED);
        assertThat(missing.size()).as("accepted page views missing from the database (of %d accepted), such as %s", accepted.size(),
                missing.stream().limit(5).toList()).isZero();
        assertThat(handOvers.keySet()).as("every stored page view's hand-over is in the delivery log").containsAll(accepted);
        assertThat(count("select count(*) - count(distinct path) from page_views where path like ?"))
                .as("page views stored twice").isZero();
        assertThat(journalSegments()).as("segments left in the journal after the last instance delivered everything and stopped")
                .isEmpty();
    }

    private List<String> arguments() {
        List<String> arguments = new ArrayList<>(List.of(
                "--spring.profiles.active=postgres,delivery-log",
                "--spring.datasource.url=" + env(PostgresIngestionTests.URL),
                "--spring.datasource.username=" + env("TIDEFALL_TEST_POSTGRES_USER"),
                "--spring.datasource.password=" + env("TIDEFALL_TEST_POSTGRES_PASSWORD"),
                "--tidefall.journal.directory=" + this.directory.resolve("journal"),
                "--tidefall.dead-letter.directory=" + this.directory.resolve("dead-letters"),
                "--logging.level.com.zaxxer.hikari=WARN"));
        if (!durability().equals("process")) {
            arguments.add("--tidefall.buffers.events.durability=" + durability());
        }
        return arguments;
    }

    /** The application's own ({@code process}) unless {@code -Dcrash.durability} says otherwise. */
    private static String durability() {
        return System.getProperty("crash.durability", "process");
    }

    /** Waits until the running instance has accepted {@code more} page views. */
    private static void awaitAccepted(PageViewLoad load, long more) {
        long target = load.acceptedCount() + more;
        await().atMost(ACCEPTS_WITHIN).pollInterval(Duration.ofMillis(20)).until(() -> load.acceptedCount() >= target);
    }

    private Set<String> storedPaths() throws SQLException {
        Set<String> paths = new java.util.HashSet<>();
        query("select path from page_views where path like ?", rows -> paths.add(rows.getString(1)));
        return paths;
    }

    /** How many times each page view of this run was committed to the database, by path. */
    private Map<String, Integer> handOvers() throws SQLException {
        Map<String, Integer> counts = new HashMap<>();
        query("select path, count(*) from page_view_deliveries where path like ? group by path",
                rows -> counts.put(rows.getString(1), rows.getInt(2)));
        return counts;
    }

    private long count(String sql) throws SQLException {
        long[] count = new long[1];
        query(sql, rows -> count[0] = rows.getLong(1));
        return count[0];
    }

    private void query(String sql, Row row) throws SQLException {
        try (Connection connection = DriverManager.getConnection(env(PostgresIngestionTests.URL),
                env("TIDEFALL_TEST_POSTGRES_USER"), env("TIDEFALL_TEST_POSTGRES_PASSWORD"));
                PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, "/" + this.run + "/%");
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    row.read(rows);
                }
            }
        }
    }

    private List<Path> journalSegments() throws java.io.IOException {
        Path journal = this.directory.resolve("journal");
        if (!Files.exists(journal)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(journal)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value != null ? value : "";
    }

    @FunctionalInterface
    private interface Row {

        void read(ResultSet rows) throws SQLException;
    }
}

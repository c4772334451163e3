package io.tidefall.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The live page at {@code /} in a real browser (headless Chromium, see {@link Chromium}), on the
 * sample app on PostgreSQL under load: everything is read from the page itself (the data
 * attributes it keeps on each buffer's section), never from the endpoint behind it. The numbers
 * move; a database that goes away (a cut {@link TcpProxy}, as in {@link PostgresOutageTests})
 * shows as a retrying chunk, then as DOWN with the reason; it recovers when the database is back.
 * A screenshot taken while the database is away goes to {@code docs/images/live-page.png}.
 *
 * <p>Skipped (reported so) without PostgreSQL or without a Chromium; in CI ({@code CI=true}) a
 * missing Chromium fails instead, unless {@code TIDEFALL_TEST_CHROMIUM=off} turns the test off on
 * purpose ({@code .ci/run} does so in its second pass, so that one browser runs at a time).
 */
class LivePageBrowserTests {

    private static final Duration RETRYING_THRESHOLD = Duration.ofSeconds(6);
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final Pattern HOST_AND_PORT = Pattern.compile("^jdbc:postgresql://([^/:?]+)(?::(\\d+))?(/.*)$");
    private static final String EVENTS = "document.querySelector('section[data-buffer=\"events\"]')";

    @TempDir
    Path deadLetters;

    @Test
    void thePageShowsTheBuffersMovingAndADatabaseOutageAsRetryingThenDown() throws Exception {
        Path binary = chromium();
        String postgres = System.getenv(PostgresIngestionTests.URL);
        assumeThat(postgres).as("PostgreSQL for the outage (%s)", PostgresIngestionTests.URL).isNotBlank();
        Matcher url = HOST_AND_PORT.matcher(postgres);
        assertThat(url.matches()).as("a jdbc:postgresql://host[:port]/database URL").isTrue();

        try (TcpProxy proxy = new TcpProxy(url.group(1), url.group(2) != null ? Integer.parseInt(url.group(2)) : 5432);
                ConfigurableApplicationContext app = start("jdbc:postgresql://127.0.0.1:" + proxy.port() + url.group(3));
                PageViewLoad load = new PageViewLoad("live-" + UUID.randomUUID(), port(app), 2, 200);
                Chromium browser = new Chromium(binary, 1400, 1000)) {
            browser.navigate("http://127.0.0.1:" + port(app) + "/?poll=500");

            // The numbers move: the page sees page views waiting in the buffer and being delivered.
            await().atMost(WITHIN).until(() -> number(browser, "polls") >= 2 && number(browser, "delivered") > 0);
            long deliveredBefore = number(browser, "delivered");
            await().atMost(WITHIN).until(() -> number(browser, "size") > 0);
            await().atMost(WITHIN).until(() -> number(browser, "delivered") > deliveredBefore
                    && number(browser, "deliveredRate") > 0 && number(browser, "latencyP99Ms") > 0);
            assertThat(text(browser, EVENTS + ".dataset.health")).isEqualTo("UP");
            assertThat(text(browser, "document.body.dataset.writable")).isEqualTo("true");

            // The database goes away: first a retrying chunk while the buffer is still UP, then DOWN with its reason.
            proxy.cut();
            await().atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> number(browser, "retrying") > 0);
            assertThat(text(browser, EVENTS + ".dataset.health")).as("retrying for less than the threshold").isEqualTo("UP");
            assertThat(text(browser, EVENTS + ".querySelector('[data-field=retryingRows]').textContent"))
                    .as("the retrying chunk's row: its partition, since when, for how long, the failure")
                    .contains("Exception");
            // The drain in flight can pass the threshold a moment before its retrying chunk does (the first attempt
            // waits for a connection), so the page may first say DOWN for the undelivered backlog; the retrying
            // chunk's reason follows within the same threshold.
            await().atMost(WITHIN).until(() -> "DOWN".equals(text(browser, EVENTS + ".dataset.health"))
                    && String.valueOf(text(browser, EVENTS + ".querySelector('[data-field=problem]').textContent"))
                            .contains("retrying a failed chunk since"));
            assertThat(number(browser, "retrying")).isPositive();
            screenshot(browser);

            // The database is back: the chunk is delivered and the buffer is UP again.
            proxy.restore();
            await().atMost(WITHIN).until(() -> number(browser, "retrying") == 0
                    && "UP".equals(text(browser, EVENTS + ".dataset.health")));
            long deliveredAfterOutage = number(browser, "delivered");
            await().atMost(WITHIN).until(() -> number(browser, "delivered") > deliveredAfterOutage);
            assertThat(text(browser, "document.body.dataset.error")).as("every poll answered").isNull();
        }
    }

    /** The browser to use; skips the test when there is none, or fails it in CI. */
    private static Path chromium() {
        Optional<Path> binary = Chromium.find();
        assumeThat(System.getenv(Chromium.BINARY)).as("%s=off turns the browser test off", Chromium.BINARY).isNotEqualTo("off");
        if (binary.isEmpty() && "true".equals(System.getenv("CI"))) {
            fail("No Chromium found (PATH or " + Chromium.BINARY + "): CI must run the browser test (.ci/run installs Debian's chromium)");
        }
        assumeThat(binary).as("a Chromium on the PATH or in " + Chromium.BINARY).isPresent();
        return binary.orElseThrow();
    }

    private ConfigurableApplicationContext start(String jdbcUrl) {
        return new SpringApplicationBuilder(SampleApplication.class).profiles("postgres").run(
                "--server.port=0",
                "--spring.datasource.url=" + jdbcUrl,
                "--spring.datasource.username=" + env("TIDEFALL_TEST_POSTGRES_USER"),
                "--spring.datasource.password=" + env("TIDEFALL_TEST_POSTGRES_PASSWORD"),
                "--spring.datasource.hikari.connection-timeout=1000",
                "--tidefall.defaults.processing-timeout=2s",
                "--management.health.tidefall.retrying-threshold=" + RETRYING_THRESHOLD.toSeconds() + "s",
                "--tidefall.dead-letter.directory=" + this.deadLetters,
                "--logging.level.com.zaxxer.hikari=OFF",
                "--logging.level.io.tidefall=WARN");
    }

    /** A number the page keeps on the events buffer's section (or, for {@code polls}, on the body); -1 while there is none. */
    private static long number(Chromium browser, String field) {
        String owner = "polls".equals(field) ? "document.body" : EVENTS;
        String value = text(browser, "(" + owner + " || {dataset: {}}).dataset." + field);
        return value == null || value.isEmpty() ? -1 : Math.round(Double.parseDouble(value));
    }

    private static String text(Chromium browser, String expression) {
        JsonNode value = browser.evaluate(expression);
        return value == null || value.isNull() ? null : value.asString();
    }

    /** Into docs/images when run from the project (the README shows it), else into target. */
    private static void screenshot(Chromium browser) throws IOException {
        Path images = Path.of("..", "docs", "images");
        Path file = (Files.isDirectory(images) ? images : Path.of("target")).resolve("live-page.png");
        Files.write(file, browser.screenshot());
        System.out.println("live page screenshot: " + file.toAbsolutePath().normalize());
    }

    private static int port(ConfigurableApplicationContext app) {
        return Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value != null ? value : "";
    }
}

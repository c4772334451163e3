package io.tidefall.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/grafana/tidefall-dashboard.json} queries only series that the sample, with its
 * {@code prometheus} profile, exposes at {@code /actuator/prometheus} once each buffer has drained:
 * a meter renamed in the starter fails here rather than as an empty panel.
 */
class GrafanaDashboardTests {

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "tidefall-dashboard.json");
    private static final Pattern SERIES = Pattern.compile("\\btidefall_[a-z0-9_]+");

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void everySeriesTheDashboardQueriesIsScrapedFromTheSample() throws Exception {
        Set<String> queried = queriedSeries(JsonMapper.builder().build().readTree(Files.readString(DASHBOARD)));
        assertThat(queried).as("series named in the dashboard's queries").hasSizeGreaterThanOrEqualTo(6);

        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
                .profiles("prometheus").run("--server.port=0")) {
            String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            assertThat(send(base + "/events", "POST", "{\"user\":\"grafana\",\"path\":\"/dashboard\"}").statusCode()).isEqualTo(202);
            assertThat(send(base + "/presence/grafana", "PUT", "{\"status\":\"online\",\"at\":1}").statusCode()).isEqualTo(202);
            for (String buffer : new String[] { "events", "presence" }) {
                assertThat(send(base + "/actuator/tidefall/" + buffer + "/flush", "POST", null).statusCode()).isEqualTo(200);
            }
            HttpResponse<String> scrape = send(base + "/actuator/prometheus", "GET", null);
            assertThat(scrape.statusCode()).isEqualTo(200);
            Set<String> scraped = scrape.body().lines()
                    .filter(line -> line.startsWith("tidefall_"))
                    .map(line -> line.split("[{ ]", 2)[0])
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(scraped).as("series at /actuator/prometheus").containsAll(queried);
        }
    }

    /** Every tidefall_ series named in a panel's query or a template variable's. */
    private static Set<String> queriedSeries(JsonNode dashboard) {
        Set<String> series = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                collect(target.path("expr").asString(), series);
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            collect(variable.path("query").asString(), series);
        }
        return series;
    }

    private static void collect(String query, Set<String> into) {
        Matcher matcher = SERIES.matcher(query);
        while (matcher.find()) {
            into.add(matcher.group());
        }
    }

    private HttpResponse<String> send(String url, String method, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "*/*");
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return this.http.send(request.method(method, json != null ? HttpRequest.BodyPublishers.ofString(json)
                : HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}

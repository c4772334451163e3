package io.tidefall.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol with the JDK's own HTTP client and
 * WebSocket, so that a test can open a page, evaluate expressions in it and take a screenshot
 * without a browser-automation library.
 *
 * <p>The binary is {@code TIDEFALL_TEST_CHROMIUM} when that names a file, else the first of
 * {@code chromium}, {@code chromium-browser}, {@code google-chrome} on the {@code PATH};
 * {@code TIDEFALL_TEST_CHROMIUM=off} means none (see {@link #find()}).
 *
 * <p>Threads: the WebSocket's listener completes the futures of {@link #send} (a concurrent map
 * from command id to future); commands are sent by the test thread, one at a time.
 */
final class Chromium implements AutoCloseable {

    static final String BINARY = "TIDEFALL_TEST_CHROMIUM";
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://[^\\s]+)");
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final JsonMapper json = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Process process;
    private final Path profile;
    private final WebSocket page;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    /** The Chromium binary to use, or empty when there is none (or {@code TIDEFALL_TEST_CHROMIUM=off}). */
    static Optional<Path> find() {
        String configured = System.getenv(BINARY);
        if ("off".equals(configured)) {
            return Optional.empty();
        }
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        return Stream.of(path.split(java.io.File.pathSeparator))
                .flatMap(dir -> Stream.of("chromium", "chromium-browser", "google-chrome").map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts the browser with one blank page of {@code width} x {@code height} pixels and connects to that page. */
    Chromium(Path binary, int width, int height) throws IOException, InterruptedException, java.util.concurrent.ExecutionException,
            java.util.concurrent.TimeoutException {
        this.profile = Files.createTempDirectory("tidefall-chromium");
        this.process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                "--user-data-dir=" + this.profile, "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true)
                .start();
        URI browser = URI.create(devToolsUrl());
        String targets = this.http.send(HttpRequest.newBuilder(URI.create("http://" + browser.getAuthority() + "/json/list"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        String pageUrl = null;
        for (JsonNode target : this.json.readTree(targets)) {
            if ("page".equals(target.path("type").asString())) {
                pageUrl = target.path("webSocketDebuggerUrl").asString();
                break;
            }
        }
        if (pageUrl == null) {
            close();
            throw new IOException("Chromium lists no page to drive: " + targets);
        }
        this.page = this.http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), new Listener())
                .get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private String devToolsUrl() throws IOException {
        // The browser prints its DevTools address first; the rest of its output is drained so that it never blocks.
        BufferedReader output = new BufferedReader(new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = output.readLine()) != null) {
            Matcher matcher = DEVTOOLS.matcher(line);
            if (matcher.find()) {
                Thread drain = new Thread(() -> output.lines().forEach(ignored -> { }), "chromium-output");
                drain.setDaemon(true);
                drain.start();
                return matcher.group(1);
            }
            seen.append(line).append('\n');
        }
        throw new IOException("Chromium exited without a DevTools address:\n" + seen);
    }

    /** Sends one command to the page and waits for its result. */
    JsonNode send(String method, Map<String, ?> params) {
        long id = this.ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        this.pending.put(id, answer);
        String message = this.json.writeValueAsString(Map.of("id", id, "method", method, "params", params));
        try {
            this.page.sendText(message, true).get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode reply = answer.get(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + " failed: " + reply.get("error"));
            }
            return reply.path("result");
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(method + " interrupted", interrupted);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException failed) {
            throw new IllegalStateException(method + " got no answer", failed);
        } finally {
            this.pending.remove(id);
        }
    }

    void navigate(String url) {
        send("Page.enable", Map.of());
        send("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression evaluated in the page, as JSON ({@code null} for undefined). */
    @Nullable JsonNode evaluate(String expression) {
        JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException(expression + " threw: " + result.get("exceptionDetails"));
        }
        JsonNode value = result.path("result").get("value");
        return value;
    }

    /** A PNG of what the page shows now. */
    byte[] screenshot() {
        return Base64.getDecoder().decode(send("Page.captureScreenshot", Map.of("format", "png")).path("data").asString());
    }

    @Override
    public void close() {
        if (this.page != null) {
            this.page.abort();
        }
        this.process.destroy();
        try {
            if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
                this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(this.profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException ignored) {
            // a temporary profile left behind is harmless
        }
    }

    /** Collects each message (the JDK hands over long ones in parts) and completes the command it answers. */
    private final class Listener implements WebSocket.Listener {

        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            this.message.append(data);
            if (last) {
                JsonNode reply = Chromium.this.json.readTree(this.message.toString());
                this.message.setLength(0);
                if (reply.has("id")) {
                    CompletableFuture<JsonNode> answer = Chromium.this.pending.get(reply.get("id").asLong());
                    if (answer != null) {
                        answer.complete(reply);
                    }
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            Chromium.this.pending.values().forEach(answer -> answer.completeExceptionally(error));
        }
    }
}

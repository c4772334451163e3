package io.tidefall.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The sample app in a JVM of its own (the running JDK's {@code java}, the test class path), so
 * that a test can kill it with SIGKILL, as the kernel's OOM killer or {@code kill -9} would, and
 * start it again on the same directories. Its output is appended to one log file across starts.
 */
final class SampleProcess implements AutoCloseable {

    /** The exit status of a process killed by SIGKILL (128 + 9). */
    static final int KILLED = 137;
    /** The exit status of a JVM stopped by SIGTERM, once its shutdown hooks have run (128 + 15). */
    static final int TERMINATED = 143;
    private static final Duration STARTS_WITHIN = Duration.ofSeconds(90);
    private static final Duration STOPS_WITHIN = Duration.ofSeconds(60);

    private final List<String> arguments;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process process;
    private int port;
    private Duration startingTime = Duration.ZERO;

    /**
     * @param arguments the application's arguments ({@code --key=value}), to which each start adds a
     *     free {@code --server.port}
     * @param log where the application's output goes
     */
    SampleProcess(List<String> arguments, Path log) {
        this.arguments = List.copyOf(arguments);
        this.log = log;
    }

    /** Starts the application on a free port and waits until it answers HTTP. */
    void start() throws IOException {
        if (this.process != null && this.process.isAlive()) {
            throw new IllegalStateException("the sample app is running already");
        }
        this.port = freePort();
        Instant starting = Instant.now();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), SampleApplication.class.getName()));
        command.addAll(this.arguments);
        command.add("--server.port=" + this.port);
        Files.writeString(this.log, "---- started at " + Instant.now() + " on port " + this.port + System.lineSeparator(),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile())).start();
        Process started = this.process;
        URI stats = URI.create("http://127.0.0.1:" + this.port + "/stats");
        try {
            await().atMost(STARTS_WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!started.isAlive()) {
                    throw new IllegalStateException("the sample app exited with " + started.exitValue());
                }
                return answers(stats);
            });
        } catch (RuntimeException notStarted) {
            started.destroyForcibly();
            throw new IllegalStateException("the sample app did not start; its output:\n" + output(), notStarted);
        }
        this.startingTime = this.startingTime.plus(Duration.between(starting, Instant.now()));
    }

    int port() {
        return this.port;
    }

    /** How long the starts took, from launch to the first HTTP answer, all together. */
    Duration startingTime() {
        return this.startingTime;
    }

    /** SIGKILL (what {@link Process#destroyForcibly()} sends on Linux): no shutdown hook, no final drain. */
    int kill() throws InterruptedException {
        this.process.destroyForcibly();
        return exitStatus();
    }

    /** SIGTERM: Spring's shutdown hook closes the context, and the buffers deliver what they hold. */
    int stop() throws InterruptedException {
        this.process.destroy();
        return exitStatus();
    }

    /** Everything the application printed, across its starts. */
    String output() {
        try {
            return Files.readString(this.log);
        } catch (IOException unreadable) {
            return "(its log " + this.log + " is unreadable: " + unreadable + ")";
        }
    }

    private int exitStatus() throws InterruptedException {
        if (!this.process.waitFor(STOPS_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
            this.process.destroyForcibly();
            throw new IllegalStateException("the sample app did not exit within " + STOPS_WITHIN + "; its output:\n" + output());
        }
        return this.process.exitValue();
    }

    private boolean answers(URI uri) {
        try {
            return this.http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    /** Kills the application if a test left it running. */
    @Override
    public void close() throws InterruptedException {
        if (this.process != null && this.process.isAlive()) {
            kill();
        }
    }
}

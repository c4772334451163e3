package io.tidefall.spring.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.apache.kafka.common.Uuid;

import static org.awaitility.Awaitility.await;

/**
 * A real Kafka broker (Kafka's own KRaft server, broker and controller in one) in a JVM of its own,
 * started from the test class path, so that a test can kill it with a signal and start it again on
 * the same port and log directory, as an operator's restart would.
 */
final class KafkaBrokerProcess implements AutoCloseable {

    private final Path directory;
    private final Path config;
    private final Path log;
    private final int port;
    private @Nullable Process process;

    KafkaBrokerProcess(Path directory) throws IOException {
        this.directory = directory;
        this.port = freePort();
        int controllerPort = freePort();
        this.config = directory.resolve("server.properties");
        this.log = directory.resolve("broker.log");
        Files.writeString(this.config, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + this.port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + this.port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + directory.resolve("data"),
                "num.partitions=2",
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "") + "\n");
        Files.writeString(directory.resolve("logback.xml"), """
                <configuration>
                  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="kafka.server.KafkaRaftServer" level="INFO"/>
                  <root level="WARN"><appender-ref ref="out"/></root>
                </configuration>
                """);
        run("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c", this.config.toString());
    }

    String bootstrapServers() {
        return "127.0.0.1:" + this.port;
    }

    /** Starts the broker and waits until it takes connections. */
    void start() throws IOException {
        this.process = java(List.of("kafka.Kafka", this.config.toString())).redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
                .start();
        Process started = this.process;
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (!started.isAlive()) {
                    throw new IllegalStateException("The Kafka broker exited with " + started.exitValue());
                }
                return Files.readString(this.log).contains("Kafka Server started") && accepts();
            });
        } catch (RuntimeException notStarted) {
            throw new IllegalStateException("The Kafka broker did not start; its output:\n" + Files.readString(this.log), notStarted);
        }
    }

    /** Kills the broker with SIGKILL: no shutdown hook, no flush, no controlled leadership transfer. */
    void kill() throws InterruptedException {
        Process running = this.process;
        if (running != null) {
            running.destroyForcibly();
            running.waitFor(30, TimeUnit.SECONDS);
            this.process = null;
        }
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private void run(String mainClass, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(mainClass));
        command.addAll(List.of(arguments));
        Path output = this.directory.resolve("format.log");
        Process tool = java(command).redirectOutput(output.toFile()).start();
        try {
            if (!tool.waitFor(60, TimeUnit.SECONDS) || tool.exitValue() != 0) {
                throw new IllegalStateException("Formatting the Kafka log directory failed: " + Files.readString(output));
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    private ProcessBuilder java(List<String> mainAndArguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + this.directory.resolve("logback.xml"),
                "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArguments);
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException failure) {
            throw new UncheckedIOException(failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}

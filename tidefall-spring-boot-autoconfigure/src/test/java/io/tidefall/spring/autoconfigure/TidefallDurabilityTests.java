package io.tidefall.spring.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.tidefall.BatchProcessor;
import io.tidefall.Durability;
import io.tidefall.ElementCodec;
import io.tidefall.JournalStats;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Durable buffers from configuration: the journal's directory, the codec the starter chooses
 * (a codec bean by name, else JSON on the application's mapper for the type the processor
 * declares, else JSON naming each element's class), and the startup failures when no codec can
 * journal the elements.
 */
@ExtendWith(OutputCaptureExtension.class)
class TidefallDurabilityTests {

    @TempDir
    Path journal;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, TidefallAutoConfiguration.class,
                    TidefallDeadLetterAutoConfiguration.class))
            .withPropertyValues("tidefall.buffers.events.partitions=1", "tidefall.buffers.events.processing-interval=1h",
                    "tidefall.buffers.events.drain-threshold=off");

    record PageView(String id, String path) {
    }

    static class PageViews implements BatchProcessor<PageView> {

        final List<PageView> received = new CopyOnWriteArrayList<>();

        @Override
        public void process(List<PageView> batch) {
            this.received.addAll(batch);
        }
    }

    /** Nothing Jackson can write: no getters, no public fields. */
    static final class Opaque {

        private final String secret;

        Opaque(String secret) {
            this.secret = secret;
        }

        @Override
        public String toString() {
            return this.secret;
        }
    }

    static class OpaqueProcessor implements BatchProcessor<Opaque> {
        @Override
        public void process(List<Opaque> batch) {
        }
    }

    static class OpaqueMethod {
        @TidefallProcessor("events")
        public void store(List<Opaque> batch) {
        }
    }

    static class PresenceMethod {

        final List<TidefallHashMap.Entry<String, PageView>> received = new CopyOnWriteArrayList<>();

        @TidefallProcessor("events")
        public void store(List<TidefallHashMap.Entry<String, PageView>> batch) {
            this.received.addAll(batch);
        }
    }

    /** Strings as UTF-8, counting what it encodes. */
    static class CountingCodec implements ElementCodec<String> {

        final AtomicInteger encoded = new AtomicInteger();

        @Override
        public byte[] encode(String element) {
            this.encoded.incrementAndGet();
            return element.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String decode(byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    @Test
    void memoryBufferShouldHaveNoJournal() {
        this.runner.withBean("pageViews", PageViews.class, PageViews::new)
                .withPropertyValues("tidefall.buffers.events.processor=pageViews", "tidefall.journal.directory=" + this.journal)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean("events", TidefallQueue.class).journalStats()).isEmpty();
                    assertThat(this.journal).isEmptyDirectory();
                });
    }

    @Test
    void durableQueueShouldJournalInItsFolderAsJsonOfTheProcessorsType(CapturedOutput output) {
        this.runner.withBean("pageViews", PageViews.class, PageViews::new)
                .withPropertyValues("tidefall.buffers.events.processor=pageViews", "tidefall.buffers.events.durability=process",
                        "tidefall.journal.directory=" + this.journal, "tidefall.defaults.journal-limit=1MB")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    @SuppressWarnings("unchecked")
                    TidefallQueue<PageView> events = context.getBean("events", TidefallQueue.class);
                    events.push(new PageView("p1", "/home"));
                    JournalStats stats = events.journalStats().orElseThrow();
                    assertThat(stats.durability()).isEqualTo(Durability.PROCESS);
                    assertThat(stats.directory()).isEqualTo(this.journal.resolve("events"));
                    assertThat(stats.limitBytes()).isEqualTo(1024 * 1024);
                    String journaled = segments(this.journal.resolve("events"));
                    assertThat(journaled).contains("{\"id\":\"p1\",\"path\":\"/home\"}").doesNotContain(PageView.class.getName());
                    assertThat(output).contains("Buffer 'events' journals the writes it accepts (durability process) in "
                            + this.journal.resolve("events")).contains("persistent volume");
                });
    }

    @Test
    void durableBufferWithoutDirectoryShouldJournalInTheApplicationsTemporaryDirectoryAndSaySo(CapturedOutput output) {
        this.runner.withBean("pageViews", PageViews.class, PageViews::new)
                .withPropertyValues("tidefall.buffers.events.processor=pageViews", "tidefall.defaults.durability=sync")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    JournalStats stats = stats(context.getBean("events", TidefallQueue.class));
                    assertThat(stats.durability()).isEqualTo(Durability.SYNC);
                    assertThat(stats.directory().getParent().getFileName().toString()).isEqualTo(BufferJournals.DEFAULT_FOLDER);
                    assertThat(output).contains("(durability sync) in " + stats.directory()
                            + ", in the application's temporary directory, since tidefall.journal.directory is not set");
                });
    }

    @Test
    void bufferNamesShouldBeEncodedIntoFoldersThatStayInTheJournalDirectory() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, TidefallAutoConfiguration.class))
                .withBean("pageViews", PageViews.class, PageViews::new)
                .withPropertyValues("tidefall.buffers[../escape].processor=pageViews", "tidefall.buffers[../escape].durability=process",
                        "tidefall.journal.directory=" + this.journal)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    JournalStats stats = stats(context.getBean("../escape", TidefallQueue.class));
                    assertThat(stats.directory()).isEqualTo(this.journal.resolve("%2E%2E%2Fescape"));
                });
    }

    @Test
    void codecBeanNamedByTheBufferShouldJournalItsElements() {
        this.runner.withBean("utf8", CountingCodec.class, CountingCodec::new)
                .withBean("recorder", Recorder.class, Recorder::new)
                .withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.buffers.events.durability=process",
                        "tidefall.buffers.events.codec=utf8", "tidefall.journal.directory=" + this.journal)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    @SuppressWarnings("unchecked")
                    TidefallQueue<String> events = context.getBean("events", TidefallQueue.class);
                    events.push("plain text");
                    assertThat(context.getBean(CountingCodec.class).encoded).hasValue(1);
                    assertThat(segments(this.journal.resolve("events"))).contains("plain text").doesNotContain("\"plain text\"");
                });
    }

    /** A processor of Object (or a sink) declares no type: each record names its element's class, which comes back. */
    @Test
    void bufferWithoutDeclaredTypeShouldJournalEachElementWithItsClass() {
        this.runner.withBean("recorder", Recorder.class, Recorder::new)
                .withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.buffers.events.durability=process",
                        "tidefall.journal.directory=" + this.journal)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    @SuppressWarnings("unchecked")
                    TidefallQueue<Object> events = context.getBean("events", TidefallQueue.class);
                    events.push(new PageView("p1", "/home"));
                    assertThat(segments(this.journal.resolve("events"))).contains(PageView.class.getName() + "\n{\"id\":\"p1\"");
                });
    }

    @Test
    void durableHashMapShouldTakeKeyAndValueTypesFromItsProcessorMethod() {
        this.runner.withBean(PresenceMethod.class)
                .withPropertyValues("tidefall.buffers.events.type=hash-map", "tidefall.buffers.events.durability=process",
                        "tidefall.journal.directory=" + this.journal)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    @SuppressWarnings("unchecked")
                    TidefallHashMap<String, PageView> events = context.getBean("events", TidefallHashMap.class);
                    events.put("u1", new PageView("p1", "/home"));
                    assertThat(segments(this.journal.resolve("events"))).contains("\"u1\"").contains("{\"id\":\"p1\",\"path\":\"/home\"}")
                            .doesNotContain(PageView.class.getName());
                });
    }

    @Test
    void typeJacksonCannotWriteShouldFailTheStartupNamingBufferAndType() {
        this.runner.withBean("opaque", OpaqueProcessor.class, OpaqueProcessor::new)
                .withPropertyValues("tidefall.buffers.events.processor=opaque", "tidefall.buffers.events.durability=process",
                        "tidefall.journal.directory=" + this.journal)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("Buffer 'events' has durability process and journals its items of type "
                                + Opaque.class.getName() + " as JSON, but Jackson finds nothing to write")
                        .hasMessageContaining("tidefall.buffers.events.codec"));
    }

    @Test
    void typeFromProcessorMethodJacksonCannotWriteShouldFailTheStartup() {
        this.runner.withBean(OpaqueMethod.class)
                .withPropertyValues("tidefall.buffers.events.durability=sync", "tidefall.journal.directory=" + this.journal)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("Buffer 'events' has durability sync and journals its items of type " + Opaque.class.getName()));
    }

    @Test
    void sameTypeInAMemoryBufferShouldStart() {
        this.runner.withBean("opaque", OpaqueProcessor.class, OpaqueProcessor::new)
                .withPropertyValues("tidefall.buffers.events.processor=opaque")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void durableBufferWithoutJacksonOrCodecShouldFailTheStartup() {
        this.runner.withClassLoader(new FilteredClassLoader("tools.jackson"))
                .withBean("pageViews", PageViews.class, PageViews::new)
                .withPropertyValues("tidefall.buffers.events.processor=pageViews", "tidefall.buffers.events.durability=process",
                        "tidefall.journal.directory=" + this.journal)
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("Buffer 'events' has durability process, which journals its items through a codec,"
                                + " but tidefall.buffers.events.codec names no ElementCodec bean and Jackson")
                        .hasMessageContaining("is not on the class path"));
    }

    @Test
    void durableBufferWithoutJacksonButWithCodecShouldStart() {
        this.runner.withClassLoader(new FilteredClassLoader("tools.jackson"))
                .withBean("utf8", CountingCodec.class, CountingCodec::new)
                .withBean("recorder", Recorder.class, Recorder::new)
                .withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.buffers.events.durability=process",
                        "tidefall.buffers.events.codec=utf8", "tidefall.journal.directory=" + this.journal)
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void memoryBufferWithoutJacksonShouldStart() {
        this.runner.withClassLoader(new FilteredClassLoader("tools.jackson"))
                .withBean("pageViews", PageViews.class, PageViews::new)
                .withPropertyValues("tidefall.buffers.events.processor=pageViews")
                .run(context -> assertThat(context).hasNotFailed());
    }

    static JournalStats stats(TidefallQueue<?> queue) {
        return queue.journalStats().orElseThrow();
    }

    /** The text of every segment file in {@code directory}. */
    static String segments(Path directory) throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                text.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        return text.toString();
    }
}

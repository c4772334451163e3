package io.tidefall.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.autoconfigure.TidefallDurabilityTests.PageView;
import io.tidefall.spring.autoconfigure.TidefallDurabilityTests.PageViews;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replay on start through the starter: an application whose durable buffers accepted writes and
 * then died (its journal copied while it ran, as kill -9 leaves it: nothing delivered, nothing
 * closed) is started again on that journal, and every accepted write is delivered.
 */
class TidefallJournalReplayTests {

    private static final int WRITES = 300;

    @TempDir
    Path running;

    @TempDir
    Path crashed;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, TidefallAutoConfiguration.class,
                    TidefallDeadLetterAutoConfiguration.class))
            .withPropertyValues("tidefall.defaults.partitions=2", "tidefall.defaults.durability=process",
                    "tidefall.defaults.processing-interval=1h", "tidefall.defaults.drain-threshold=off");

    @Test
    void queueOfTheProcessorsTypeShouldDeliverAfterARestartEveryWriteTheCrashedRunAccepted() {
        List<PageView> pushed = IntStream.range(0, WRITES).mapToObj(i -> new PageView("p" + i, "/page/" + i)).toList();
        this.runner.withBean("pageViews", PageViews.class, PageViews::new)
                .withPropertyValues("tidefall.buffers.events.processor=pageViews", "tidefall.journal.directory=" + this.running)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    @SuppressWarnings("unchecked")
                    TidefallQueue<PageView> events = context.getBean("events", TidefallQueue.class);
                    pushed.forEach(events::push);
                    assertThat(context.getBean(PageViews.class).received).isEmpty();
                    crash();
                });
        this.runner.withBean("pageViews", PageViews.class, PageViews::new)
                .withPropertyValues("tidefall.buffers.events.processor=pageViews", "tidefall.journal.directory=" + this.crashed)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    TidefallQueue<?> events = context.getBean("events", TidefallQueue.class);
                    assertThat(events.journalStats().orElseThrow().replayedRecords()).isEqualTo(WRITES);
                    events.flush();
                    assertThat(context.getBean(PageViews.class).received).containsExactlyInAnyOrderElementsOf(pushed);
                });
    }

    /** A sink's buffer declares no element type: the records name their classes, and come back as them. */
    @Test
    void queueWithoutDeclaredTypeShouldReplayElementsAsTheirClasses() {
        this.runner.withBean("recorder", Recorder.class, Recorder::new)
                .withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.journal.directory=" + this.running)
                .run(context -> {
                    @SuppressWarnings("unchecked")
                    TidefallQueue<Object> events = context.getBean("events", TidefallQueue.class);
                    events.push(new PageView("p1", "/home"));
                    events.push("text");
                    events.push(42L);
                    crash();
                });
        this.runner.withBean("recorder", Recorder.class, Recorder::new)
                .withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.journal.directory=" + this.crashed)
                .run(context -> {
                    context.getBean("events", TidefallQueue.class).flush();
                    assertThat(context.getBean(Recorder.class).elements)
                            .containsExactlyInAnyOrder(new PageView("p1", "/home"), "text", 42L);
                });
    }

    @Test
    void hashMapShouldReplayTheNewestValueOfEachKey() {
        this.runner.withBean(TidefallDurabilityTests.PresenceMethod.class)
                .withPropertyValues("tidefall.buffers.events.type=hash-map", "tidefall.journal.directory=" + this.running)
                .run(context -> {
                    @SuppressWarnings("unchecked")
                    TidefallHashMap<String, PageView> events = context.getBean("events", TidefallHashMap.class);
                    events.put("u1", new PageView("old", "/a"));
                    events.put("u2", new PageView("only", "/b"));
                    events.put("u1", new PageView("new", "/c"));
                    crash();
                });
        this.runner.withBean(TidefallDurabilityTests.PresenceMethod.class)
                .withPropertyValues("tidefall.buffers.events.type=hash-map", "tidefall.journal.directory=" + this.crashed)
                .run(context -> {
                    context.getBean("events", TidefallHashMap.class).flush();
                    Set<String> delivered = context.getBean(TidefallDurabilityTests.PresenceMethod.class).received.stream()
                            .map(entry -> entry.key() + "=" + entry.value().id()).collect(Collectors.toSet());
                    assertThat(delivered).containsExactlyInAnyOrder("u1=new", "u2=only");
                });
    }

    /** What kill -9 leaves: the journal as the running application has it, copied before it closes (and delivers). */
    private void crash() throws IOException {
        try (Stream<Path> files = Files.walk(this.running)) {
            for (Path source : files.toList()) {
                Path target = this.crashed.resolve(this.running.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}

package io.tidefall.spring.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import io.tidefall.BatchFailureHandler;
import io.tidefall.FailedBatch;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.deadletter.DeadLetterStore;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class TidefallDeadLetterAutoConfigurationTests {

    @TempDir
    Path directory;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, TidefallAutoConfiguration.class,
                    TidefallDeadLetterAutoConfiguration.class))
            .withBean("sink", Recorder.class, Recorder::new)
            .withPropertyValues("tidefall.buffers.events.processor=sink", "tidefall.buffers.events.partitions=1",
                    "tidefall.buffers.events.processing-interval=1h");

    @Test
    void runWithoutDirectoryShouldHaveStoreInTheApplicationsTemporaryDirectorySoThatNothingIsDiscardedByDefault() {
        this.runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(DeadLetterStore.class).hasSingleBean(DeadLetterHealing.class);
            assertThat(context.getBean(DeadLetterStore.class).directory().toString())
                    .endsWith(TidefallDeadLetterAutoConfiguration.DEFAULT_FOLDER);
            assertThat(context.getBean("events", io.tidefall.Buffer.class)).isNotNull();
        });
    }

    @Test
    void runWithStoreDisabledShouldHaveNoStoreAndWarnThatElementsAreDiscarded(
            org.springframework.boot.test.system.CapturedOutput output) {
        this.runner.withPropertyValues("tidefall.dead-letter.enabled=false").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(DeadLetterStore.class).doesNotHaveBean(DeadLetterHealing.class);
            context.getBean("events", io.tidefall.Buffer.class);
            assertThat(output).contains("Buffer 'events' has no failure handler: what it cannot deliver by its delivery timeout"
                    + " is logged, counted and discarded. tidefall.dead-letter.enabled is false");
        });
    }

    @Test
    void runWithSelfHealOffShouldHaveStoreWithoutHealing() {
        this.runner.withPropertyValues("tidefall.dead-letter.directory=" + this.directory, "tidefall.dead-letter.self-heal=false")
                .run(context -> assertThat(context).hasSingleBean(DeadLetterStore.class).doesNotHaveBean(DeadLetterHealing.class));
    }

    @Test
    void runWithDirectoryShouldHaveStoreWithTheApplicationsMapper() {
        this.runner.withPropertyValues("tidefall.dead-letter.directory=" + this.directory, "tidefall.dead-letter.max-size=1MB")
                .run(context -> {
                    assertThat(context).hasSingleBean(DeadLetterStore.class)
                            .doesNotHaveBean(DeadLetterReplayOnStart.class);
                    DeadLetterStore store = context.getBean(DeadLetterStore.class);
                    assertThat(store.directory()).isEqualTo(this.directory.toAbsolutePath());
                    assertThat(store.maxSizeInBytes()).isEqualTo(DataSize.ofMegabytes(1).toBytes());
                });
    }

    @Test
    void runWithoutJacksonShouldNotHaveStore() {
        this.runner.withClassLoader(new FilteredClassLoader(ObjectMapper.class))
                .withPropertyValues("tidefall.dead-letter.directory=" + this.directory)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DeadLetterStore.class));
    }

    @Test
    void runWhenDisabledShouldNotHaveStore() {
        this.runner.withPropertyValues("tidefall.enabled=false", "tidefall.dead-letter.directory=" + this.directory)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(DeadLetterStore.class));
    }

    @Test
    void storeIsTheFailureHandlerOfEveryBufferThatNamesNone() {
        this.runner.withPropertyValues("tidefall.dead-letter.directory=" + this.directory,
                "tidefall.buffers.events.processor=failing", "tidefall.buffers.events.processing-retries=0",
                "tidefall.buffers.other.processor=failing", "tidefall.buffers.other.processing-retries=0",
                "tidefall.buffers.other.failure-handler=own")
                .withBean("failing", io.tidefall.BatchProcessor.class, () -> batch -> {
                    throw new IllegalStateException("down");
                })
                .withBean("own", OwnHandler.class, OwnHandler::new)
                .run(context -> {
                    TidefallQueue<String> events = context.getBean("events", TidefallQueue.class);
                    TidefallQueue<String> other = context.getBean("other", TidefallQueue.class);
                    events.push("a");
                    other.push("b");
                    events.flush();
                    other.flush();
                    assertThat(context.getBean(DeadLetterStore.class).count("events")).isEqualTo(1);
                    assertThat(context.getBean(DeadLetterStore.class).count("other")).isZero();
                    assertThat(context.getBean(OwnHandler.class).received).containsExactly("b");
                });
    }

    @Test
    void replayOnStartDeliversWhatAnEarlierRunStored() throws Exception {
        DeadLetterStore earlier = new DeadLetterStore(this.directory, DataSize.ofMegabytes(1), JsonMapper.builder().build(),
                getClass().getClassLoader());
        earlier.handle(new FailedBatch<>("events", 0, List.of("a", "b"), new TimeoutException()));
        earlier.handle(new FailedBatch<>("gone", 0, List.of("c"), new TimeoutException()));

        this.runner.withPropertyValues("tidefall.dead-letter.directory=" + this.directory, "tidefall.dead-letter.replay-on-start=true")
                .run(context -> {
                    assertThat(context).hasSingleBean(DeadLetterReplayOnStart.class);
                    DeadLetterStore store = context.getBean(DeadLetterStore.class);
                    assertThat(store.count("events")).isZero();
                    assertThat(store.count("gone")).as("no such buffer: kept").isEqualTo(1);
                    context.getBean("events", TidefallQueue.class).flush();
                    assertThat(context.getBean("sink", Recorder.class).elements).containsExactly("a", "b");
                });
    }

    @Test
    void runWithANonPositiveMaxSizeShouldFailNamingTheProperty() {
        this.runner.withPropertyValues("tidefall.dead-letter.directory=" + this.directory, "tidefall.dead-letter.max-size=0B")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .rootCause().hasMessageContaining("tidefall.dead-letter.max-size is '0B'"));
    }

    static class OwnHandler implements BatchFailureHandler<Object> {

        final List<Object> received = new CopyOnWriteArrayList<>();

        @Override
        public void handle(FailedBatch<Object> failed) {
            this.received.addAll(failed.elements());
        }
    }
}

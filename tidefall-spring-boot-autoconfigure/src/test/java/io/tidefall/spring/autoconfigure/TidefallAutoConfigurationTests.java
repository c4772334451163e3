package io.tidefall.spring.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tidefall.BatchFailureHandler;
import io.tidefall.BatchProcessor;
import io.tidefall.BatchSize;
import io.tidefall.Buffer;
import io.tidefall.BufferListener;
import io.tidefall.BufferOptions;
import io.tidefall.FailedBatch;
import io.tidefall.OverflowPolicy;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallBuffers;
import io.tidefall.spring.TidefallProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class TidefallAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class));

    @Test
    void runWithoutBuffersShouldHaveAnEmptyRegistry() {
        this.runner.run(context -> {
            assertThat(context).hasSingleBean(TidefallBuffers.class).hasSingleBean(TidefallProperties.class)
                    .doesNotHaveBean(Buffer.class);
            assertThat(context.getBean(TidefallBuffers.class).all()).isEmpty();
        });
    }

    @Test
    void runWhenDisabledShouldBackOffEntirely() {
        this.runner.withUserConfiguration(RecorderConfiguration.class)
                .withPropertyValues("tidefall.enabled=false", "tidefall.buffers.events.processor=recorder")
                .run(context -> assertThat(context).hasNotFailed()
                        .doesNotHaveBean(TidefallBuffers.class)
                        .doesNotHaveBean(TidefallProperties.class)
                        .doesNotHaveBean(TidefallLifecycle.class)
                        .doesNotHaveBean(Buffer.class));
    }

    @Test
    void runWhenDisabledShouldIgnoreProcessorAnnotations() {
        this.runner.withUserConfiguration(StageProcessorConfiguration.class)
                .withPropertyValues("tidefall.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(Buffer.class));
    }

    @Test
    void runWhenEngineIsNotOnTheClasspathShouldBackOff() {
        this.runner.withClassLoader(new FilteredClassLoader(Buffer.class))
                .withPropertyValues("tidefall.buffers.events.processor=recorder")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TidefallBuffers.class));
    }

    @Test
    void runWhenBuffersConfiguredShouldRegisterOneBeanEachNamedAfterIt() {
        this.runner.withUserConfiguration(RecorderConfiguration.class, MapRecorderConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processor=recorder",
                        "tidefall.buffers.presence.type=hash-map", "tidefall.buffers.presence.processor=mapRecorder")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean("events")).isInstanceOf(TidefallQueue.class);
                    assertThat(context.getBean("presence")).isInstanceOf(TidefallHashMap.class);
                    assertThat(context.getBean(TidefallBuffers.class).names()).containsExactly("events", "presence");
                    assertThat(context.getBean("events", Buffer.class).isRunning()).isTrue();
                });
    }

    /** The type and the overflow policy are enums, read as Spring Boot reads every enum: in any case, separators ignored. */
    @ParameterizedTest
    @CsvSource({ "hash-map, drop", "hash_map, Drop", "HASH_MAP, DROP", "hashMap, dRoP", "hashmap, ' drop '", "Hash Map, d-r-o-p" })
    void typeAndOverflowShouldAcceptSpringBootsSpellingsOfAnEnum(String hashMap, String drop) {
        this.runner.withUserConfiguration(MapRecorderConfiguration.class)
                .withPropertyValues("tidefall.buffers.presence.type=" + hashMap, "tidefall.buffers.presence.processor=mapRecorder",
                        "tidefall.buffers.presence.overflow=" + drop)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean("presence")).isInstanceOf(TidefallHashMap.class);
                    assertThat(context.getBean("presence", Buffer.class).options().overflow()).isEqualTo(OverflowPolicy.DROP);
                });
    }

    @Test
    void runShouldInjectBuffersWithAnyTypeArguments() {
        this.runner.withUserConfiguration(RecorderConfiguration.class, GenericInjectionConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processor=recorder")
                .run(context -> {
                    GenericInjectionConfiguration.Users users = context.getBean(GenericInjectionConfiguration.Users.class);
                    assertThat(users.strings).isSameAs(context.getBean("events"));
                    assertThat(users.numbers).isSameAs(context.getBean("events"));
                });
    }

    @Test
    void runShouldResolveEachOptionFromTheBufferThenTheDefaultsThenTheEngine() {
        this.runner.withUserConfiguration(RecorderConfiguration.class)
                .withPropertyValues("tidefall.defaults.partitions=3", "tidefall.defaults.processing-interval=2s",
                        "tidefall.defaults.processing-batch-size=table", "tidefall.defaults.drain-threshold=500",
                        "tidefall.buffers.events.processor=recorder",
                        "tidefall.buffers.events.processing-interval=250ms",
                        "tidefall.buffers.events.processing-batch-size=50",
                        "tidefall.buffers.other.processor=recorder",
                        "tidefall.buffers.other.partitions=1")
                .run(context -> {
                    Buffer events = context.getBean("events", Buffer.class);
                    assertThat(events.partitions()).isEqualTo(3); // from defaults
                    assertThat(events.options().processingInterval()).isEqualTo(Duration.ofMillis(250)); // from the buffer
                    assertThat(events.options().processingBatchSize()).isEqualTo(BatchSize.of(50)); // from the buffer
                    assertThat(events.options().drainThreshold()).isEqualTo(500L); // from defaults
                    assertThat(events.options().processingTimeout()).isEqualTo(BufferOptions.DEFAULT_PROCESSING_TIMEOUT); // engine
                    Buffer other = context.getBean("other", Buffer.class);
                    assertThat(other.partitions()).isEqualTo(1); // from the buffer
                    assertThat(other.options().processingInterval()).isEqualTo(Duration.ofSeconds(2)); // from defaults
                    assertThat(other.options().processingBatchSize()).isEqualTo(BatchSize.TABLE); // from defaults
                    assertThat(other.options().drainCheckInterval()).isEqualTo(BufferOptions.DEFAULT_DRAIN_CHECK_INTERVAL); // engine
                });
    }

    /**
     * The runtime options are read as text, not bound to fields, yet in Spring Boot's relaxed forms
     * as every other property (camel case, underscores); and the words of the
     * endpoint's text form ({@code off}, {@code unlimited}) as well.
     */
    @Test
    void runtimeOptionsShouldBeReadInEveryRelaxedFormAndTheEndpointsWords() {
        this.runner.withUserConfiguration(RecorderConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processor=recorder",
                        "tidefall.buffers.events.processingInterval=250ms", "tidefall.buffers.events.max_block=3s",
                        "tidefall.defaults.drain-threshold=500", "tidefall.buffers.events.drain-threshold=off",
                        "tidefall.buffers.events.processing-retries=3", "tidefall.defaults.processing-retries=unlimited")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BufferOptions options = context.getBean("events", Buffer.class).options();
                    assertThat(options.processingInterval()).isEqualTo(Duration.ofMillis(250));
                    assertThat(options.maxBlock()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(options.hasDrainThreshold()).isFalse();
                    assertThat(options.processingRetries()).isEqualTo(3);
                });
    }

    /** One duration rule with the endpoint: zero needs no unit (any other bare number is refused, see HostileConfigurationTests). */
    @Test
    void runShouldTakeABareZeroAsADuration() {
        this.runner.withUserConfiguration(RecorderConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.buffers.events.retry-backoff=0",
                        "tidefall.defaults.retry-backoff-max=0")
                .run(context -> {
                    BufferOptions events = context.getBean("events", Buffer.class).options();
                    assertThat(events.retryBackoff()).isEqualTo(Duration.ZERO);
                    assertThat(events.retryBackoffMax()).isEqualTo(Duration.ZERO);
                });
    }

    @Test
    void runShouldResolveCapacityOverflowAndRetriesFromTheBufferThenTheDefaultsThenTheEngine() {
        this.runner.withUserConfiguration(RecorderConfiguration.class)
                .withPropertyValues("tidefall.defaults.capacity=1000", "tidefall.defaults.overflow=drop",
                        "tidefall.defaults.processing-retries=2",
                        "tidefall.buffers.events.processor=recorder",
                        "tidefall.buffers.events.overflow=FAIL", "tidefall.buffers.events.max-block=50ms",
                        "tidefall.buffers.events.retry-backoff=0ms", "tidefall.defaults.delivery-timeout=30s",
                        "tidefall.buffers.events.retry-backoff-max=1s",
                        "tidefall.buffers.other.processor=recorder", "tidefall.buffers.other.capacity=10",
                        "tidefall.buffers.other.processing-retries=0")
                .run(context -> {
                    BufferOptions events = context.getBean("events", Buffer.class).options();
                    assertThat(events.capacity()).isEqualTo(1000L); // from defaults
                    assertThat(events.overflow()).isEqualTo(OverflowPolicy.FAIL); // from the buffer
                    assertThat(events.maxBlock()).isEqualTo(Duration.ofMillis(50)); // from the buffer
                    assertThat(events.processingRetries()).isEqualTo(2); // from defaults
                    assertThat(events.retryBackoff()).isEqualTo(Duration.ZERO); // from the buffer
                    assertThat(events.retryBackoffMax()).isEqualTo(Duration.ofSeconds(1)); // from the buffer
                    assertThat(events.deliveryTimeout()).isEqualTo(Duration.ofSeconds(30)); // from defaults
                    BufferOptions other = context.getBean("other", Buffer.class).options();
                    assertThat(other.capacity()).isEqualTo(10L); // from the buffer
                    assertThat(other.overflow()).isEqualTo(OverflowPolicy.DROP); // from defaults
                    assertThat(other.maxBlock()).isEqualTo(BufferOptions.DEFAULT_MAX_BLOCK); // engine
                    assertThat(other.processingRetries()).isZero(); // from the buffer
                    assertThat(other.retryBackoff()).isEqualTo(BufferOptions.DEFAULT_RETRY_BACKOFF); // engine
                    assertThat(other.retryBackoffMax()).isEqualTo(BufferOptions.DEFAULT_RETRY_BACKOFF_MAX); // engine
                    assertThat(other.deliveryTimeout()).isEqualTo(Duration.ofSeconds(30)); // from defaults
                });
    }

    @Test
    void runWithFailureHandlerShouldHandItTheLostElements() {
        List<FailedBatch<?>> handled = new CopyOnWriteArrayList<>();
        this.runner.withBean("failing", BatchProcessor.class, () -> batch -> {
                    throw new IllegalStateException("down");
                })
                .withBean("deadLetters", BatchFailureHandler.class, () -> handled::add)
                .withPropertyValues("tidefall.defaults.failure-handler=deadLetters",
                        "tidefall.buffers.events.processor=failing", "tidefall.buffers.events.partitions=1",
                        "tidefall.buffers.events.processing-retries=0")
                .run(context -> {
                    TidefallQueue<String> events = context.getBean(TidefallBuffers.class).queue("events");
                    events.pushAll(List.of("a", "b"));
                    events.flush();
                    assertThat(handled).singleElement().satisfies(failed -> {
                        assertThat(failed.buffer()).isEqualTo("events");
                        assertThat(List.<Object>copyOf(failed.elements())).containsExactly("a", "b");
                        assertThat(failed.cause()).hasMessage("down");
                    });
                });
    }

    @Test
    void runWithoutPartitionsShouldUseTheEngineDefault() {
        this.runner.withUserConfiguration(RecorderConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processor=recorder")
                .run(context -> assertThat(context.getBean("events", Buffer.class).partitions())
                        .isEqualTo(Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void runWithProcessorBeanShouldHandItEveryPushedItem() {
        this.runner.withUserConfiguration(RecorderConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processor=recorder",
                        "tidefall.buffers.events.processing-interval=20ms")
                .run(context -> {
                    TidefallQueue<String> events = context.getBean(TidefallBuffers.class).queue("events");
                    List<String> pushed = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        pushed.add("e" + i);
                        events.push("e" + i);
                    }
                    @SuppressWarnings("unchecked")
                    Recorder<Object> recorder = context.getBean("recorder", Recorder.class);
                    await().atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertThat(recorder.elements).containsExactlyInAnyOrderElementsOf(new ArrayList<Object>(pushed)));
                });
    }

    @Test
    void runWithHashMapShouldHandTheProcessorEntries() {
        this.runner.withUserConfiguration(MapRecorderConfiguration.class)
                .withPropertyValues("tidefall.buffers.presence.type=hash-map", "tidefall.buffers.presence.processor=mapRecorder",
                        "tidefall.buffers.presence.processing-interval=20ms")
                .run(context -> {
                    TidefallHashMap<String, String> presence = context.getBean(TidefallBuffers.class).hashMap("presence");
                    presence.put("u1", "online");
                    @SuppressWarnings("unchecked")
                    Recorder<Object> recorder = context.getBean("mapRecorder", Recorder.class);
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(recorder.elements)
                            .containsExactly(new TidefallHashMap.Entry<String, String>("u1", "online", 0, 0)));
                });
    }

    @Test
    void runWithAnnotatedMethodShouldCallItThroughItsBean() {
        this.runner.withUserConfiguration(AnnotatedProcessorConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processing-interval=20ms")
                .run(context -> {
                    AnnotatedProcessorConfiguration.PageViews views = context.getBean(AnnotatedProcessorConfiguration.PageViews.class);
                    views.record("a");
                    views.record("b");
                    await().atMost(Duration.ofSeconds(10))
                            .untilAsserted(() -> assertThat(views.stored).containsExactlyInAnyOrder("a", "b"));
                });
    }

    @Test
    void runWithCompletionStageMethodShouldEndTheDrainWhenTheStageCompletes() {
        this.runner.withUserConfiguration(StageProcessorConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processing-interval=20ms", "tidefall.buffers.events.partitions=1")
                .run(context -> {
                    StageProcessorConfiguration.Sink sink = context.getBean(StageProcessorConfiguration.Sink.class);
                    TidefallQueue<String> events = context.getBean(TidefallBuffers.class).queue("events");
                    events.push("x");
                    await().atMost(Duration.ofSeconds(10)).until(() -> !sink.pending.isEmpty());
                    assertThat(events.stats(0).draining()).isTrue(); // the stage is not complete yet
                    assertThat(sink.completed).isEmpty();
                    sink.pending.get(0).complete(null);
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        assertThat(events.stats(0).draining()).isFalse();
                        assertThat(events.stats(0).drained()).isEqualTo(1);
                        assertThat(sink.completed).containsExactly(1);
                    });
                });
    }

    @Test
    void runWithFailedCompletionStageShouldReportTheBatchFailed() {
        this.runner.withUserConfiguration(StageProcessorConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processing-interval=20ms", "tidefall.buffers.events.partitions=1",
                        "tidefall.buffers.events.processing-retries=0")
                .run(context -> {
                    StageProcessorConfiguration.Sink sink = context.getBean(StageProcessorConfiguration.Sink.class);
                    TidefallQueue<String> events = context.getBean(TidefallBuffers.class).queue("events");
                    events.push("x");
                    await().atMost(Duration.ofSeconds(10)).until(() -> !sink.pending.isEmpty());
                    sink.pending.get(0).completeExceptionally(new IllegalStateException("database down"));
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                        assertThat(events.stats(0).failed()).isEqualTo(1);
                        assertThat(sink.failures).singleElement().satisfies(
                                failure -> assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessage("database down"));
                    });
                });
    }

    @Test
    void runShouldStartCloseAndListUserDeclaredBuffersToo() {
        this.runner.withUserConfiguration(UserBufferConfiguration.class)
                .run(context -> {
                    @SuppressWarnings("unchecked")
                    TidefallQueue<String> own = context.getBean("ownBuffer", TidefallQueue.class);
                    assertThat(context.getBean(TidefallBuffers.class).get("own")).isSameAs(own);
                    assertThat(own.isRunning()).isTrue();
                    @SuppressWarnings("unchecked")
                    Recorder<String> recorder = context.getBean("ownRecorder", Recorder.class);
                    own.push("kept");
                    context.close();
                    assertThat(own.isRunning()).isFalse();
                    assertThat(recorder.elements).containsExactly("kept"); // the final drain
                });
    }

    @Test
    void runShouldAddEveryBufferListenerBeanToEveryBufferOnce() {
        this.runner.withUserConfiguration(UserBufferConfiguration.class, RecorderConfiguration.class, ListenerConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.buffers.events.partitions=1")
                .run(context -> {
                    ListenerConfiguration.Started listener = context.getBean(ListenerConfiguration.Started.class);
                    // "own" was also given the listener by its builder: it must hear each event once.
                    assertThat(listener.started).containsExactlyInAnyOrder("events", "own");
                });
    }

    @Test
    void runShouldBackOffFromAnApplicationRegistry() {
        TidefallBuffers mine = TidefallBuffers.of();
        this.runner.withBean(TidefallBuffers.class, () -> mine)
                .run(context -> assertThat(context.getBean(TidefallBuffers.class)).isSameAs(mine));
    }

    @Test
    void registryShouldNameKnownBuffersForAnUnknownOneAndCheckTypes() {
        this.runner.withUserConfiguration(RecorderConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.buffers.clicks.processor=recorder")
                .run(context -> {
                    TidefallBuffers buffers = context.getBean(TidefallBuffers.class);
                    assertThatIllegalArgumentException().isThrownBy(() -> buffers.get("evnts"))
                            .withMessageContaining("'evnts'").withMessageContaining("events, clicks");
                    assertThatIllegalArgumentException().isThrownBy(() -> buffers.hashMap("events"))
                            .withMessageContaining("TidefallQueue");
                });
    }

    @Test
    void runWhenProcessorInjectsItsOwnBufferShouldNotCycle() {
        this.runner.withUserConfiguration(SelfFeedingConfiguration.class)
                .withPropertyValues("tidefall.buffers.events.processing-interval=20ms")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    SelfFeedingConfiguration.Service service = context.getBean(SelfFeedingConfiguration.Service.class);
                    service.accept("hello");
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(service.stored).containsExactly("hello"));
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class RecorderConfiguration {

        @Bean
        Recorder<Object> recorder() {
            return new Recorder<>();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class MapRecorderConfiguration {

        @Bean
        Recorder<TidefallHashMap.Entry<String, String>> mapRecorder() {
            return new Recorder<>();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class GenericInjectionConfiguration {

        @Bean
        Users users(@Qualifier("events") TidefallQueue<String> strings, @Qualifier("events") TidefallQueue<Integer> numbers) {
            return new Users(strings, numbers);
        }

        record Users(TidefallQueue<String> strings, TidefallQueue<Integer> numbers) {
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class AnnotatedProcessorConfiguration {

        @Bean
        PageViews pageViews(@Qualifier("events") TidefallQueue<String> events) {
            return new PageViews(events);
        }

        static class PageViews {

            final List<String> stored = new CopyOnWriteArrayList<>();
            private final TidefallQueue<String> events;

            PageViews(TidefallQueue<String> events) {
                this.events = events;
            }

            void record(String view) {
                this.events.push(view);
            }

            @TidefallProcessor("events")
            public void store(List<String> batch) {
                this.stored.addAll(batch);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class StageProcessorConfiguration {

        @Bean
        Sink sink() {
            return new Sink();
        }

        static class Sink {

            final List<CompletableFuture<Void>> pending = new CopyOnWriteArrayList<>();
            final List<Integer> completed = new CopyOnWriteArrayList<>();
            final List<Throwable> failures = new CopyOnWriteArrayList<>();

            @TidefallProcessor("events")
            public CompletionStage<Void> store(List<String> batch) {
                CompletableFuture<Void> future = new CompletableFuture<>();
                this.pending.add(future);
                return future.whenComplete((ignored, failure) -> {
                    if (failure == null) {
                        this.completed.add(batch.size());
                    } else {
                        this.failures.add(failure instanceof java.util.concurrent.CompletionException ? failure.getCause() : failure);
                    }
                });
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBufferConfiguration {

        @Bean
        Recorder<String> ownRecorder() {
            return new Recorder<>();
        }

        @Bean
        TidefallQueue<String> ownBuffer(Recorder<String> ownRecorder, java.util.Optional<BufferListener> listener) {
            TidefallQueue.Builder<String> builder = TidefallQueue.<String>builder("own").processor(ownRecorder).partitions(1);
            listener.ifPresent(builder::listener);
            return builder.build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ListenerConfiguration {

        @Bean
        Started started() {
            return new Started();
        }

        static class Started implements BufferListener {

            final List<String> started = new CopyOnWriteArrayList<>();

            @Override
            public void partitionStarted(String buffer, int partition) {
                this.started.add(buffer);
            }
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class SelfFeedingConfiguration {

        @Bean
        Service service(@Qualifier("events") TidefallQueue<String> events) {
            return new Service(events);
        }

        static class Service {

            final List<String> stored = new CopyOnWriteArrayList<>();
            private final TidefallQueue<String> events;

            Service(TidefallQueue<String> events) {
                this.events = events;
            }

            void accept(String event) {
                this.events.push(event);
            }

            @TidefallProcessor("events")
            void store(List<String> batch) {
                this.stored.addAll(batch);
            }
        }
    }
}

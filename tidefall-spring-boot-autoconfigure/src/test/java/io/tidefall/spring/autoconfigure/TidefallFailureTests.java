package io.tidefall.spring.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.tidefall.BatchFailureHandler;
import io.tidefall.BatchProcessor;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import io.tidefall.spring.TidefallConfigurationException;
import io.tidefall.spring.TidefallProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/** Every configuration mistake fails the startup with a message naming buffer, property and value. */
class TidefallFailureTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class))
            .withUserConfiguration(Processors.class);

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            tidefall.buffers.events.type                  | stack | is 'stack', which is not a buffer type | 'queue'
            tidefall.buffers.events.partitions            | 0     | must be at least 1                     | Set tidefall.buffers.events.partitions to 1 or more
            tidefall.defaults.partitions                  | -2    | must be at least 1                     | It is the default of every buffer
            tidefall.buffers.events.processing-interval   | -5s   | must be a positive duration            | Set tidefall.buffers.events.processing-interval to a positive duration
            tidefall.buffers.events.processing-interval   | 0ms   | must be a positive duration            | such as 5s
            tidefall.defaults.processing-interval         | 0s    | must be a positive duration            | tidefall.buffers.events.processing-interval overrides it
            tidefall.buffers.events.processing-timeout    | -1s   | must be a positive duration            | Set tidefall.buffers.events.processing-timeout
            tidefall.buffers.events.drain-check-interval  | 0s    | must be a positive duration            | Set tidefall.buffers.events.drain-check-interval
            tidefall.buffers.events.processing-batch-size | 0     | positive number or 'table'             | or to 'table'
            tidefall.buffers.events.processing-batch-size | lots  | positive number or 'table'             | or to 'table'
            tidefall.defaults.processing-batch-size       | -3    | positive number or 'table'             | It is the default of every buffer
            tidefall.buffers.events.drain-threshold       | 0     | must be positive                       | remove it to turn early drains off
            tidefall.buffers.events.capacity              | 0     | must be positive                       | remove it for unbounded partitions
            tidefall.defaults.capacity                    | -1    | must be positive                       | It is the default of every buffer
            tidefall.buffers.events.overflow              | wait  | must be one of block, drop, fail       | Set tidefall.buffers.events.overflow to 'block'
            tidefall.defaults.overflow                    | spill | must be one of block, drop, fail       | tidefall.buffers.events.overflow overrides it
            tidefall.buffers.events.max-block             | 0s    | must be a positive duration            | Set tidefall.buffers.events.max-block
            tidefall.buffers.events.processing-retries    | -1    | must be 0 or a positive number         | Set tidefall.buffers.events.processing-retries to 0
            tidefall.defaults.processing-retries          | -2    | must be 0 or a positive number         | It is the default of every buffer
            tidefall.buffers.events.retry-backoff         | -1ms  | zero or a positive duration            | Set tidefall.buffers.events.retry-backoff to 0ms
            """)
    void runWithInvalidOptionShouldFailNamingBufferPropertyAndValue(String property, String value, String problem,
            String action) {
        this.runner.withPropertyValues("tidefall.buffers.events.processor=recorder", property + "=" + value)
                .run(failsWith(failure -> failure
                        .hasMessageContaining("Buffer 'events'")
                        .hasMessageContaining(property + " is '" + value + "'")
                        .hasMessageContaining(problem)
                        .hasMessageContaining(action)));
    }

    @Test
    void runWithUnknownFailureHandlerBeanShouldFailListingTheKnownOnes() {
        this.runner.withBean("deadLetters", BatchFailureHandler.class, () -> failed -> { })
                .withPropertyValues("tidefall.buffers.events.processor=recorder",
                        "tidefall.buffers.events.failure-handler=deadLeters")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("Buffer 'events': tidefall.buffers.events.failure-handler is 'deadLeters'")
                        .hasMessageContaining("no BatchFailureHandler bean of that name")
                        .hasMessageContaining("(deadLetters)")));
    }

    @Test
    void runWithDefaultFailureHandlerOfWrongTypeShouldFailNamingTheDefault() {
        this.runner.withPropertyValues("tidefall.buffers.events.processor=recorder",
                        "tidefall.defaults.failure-handler=recorder")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("tidefall.defaults.failure-handler is 'recorder'")
                        .hasMessageContaining("a bean 'recorder' exists, of another type")));
    }

    @Test
    void runWithoutProcessorShouldFail() {
        this.runner.withPropertyValues("tidefall.buffers.events.type=queue")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("Buffer 'events' has no processor")
                        .hasMessageContaining("tidefall.buffers.events.processor is not set")
                        .hasMessageContaining("@TidefallProcessor(\"events\")")));
    }

    @Test
    void runWithUnknownProcessorBeanShouldFailListingTheKnownOnes() {
        this.runner.withPropertyValues("tidefall.buffers.events.processor=recordr")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("Buffer 'events': tidefall.buffers.events.processor is 'recordr'")
                        .hasMessageContaining("no bean of that name")
                        .hasMessageContaining("(recorder, stringProcessor)")));
    }

    @Test
    void runWithProcessorBeanThatIsNoBatchProcessorShouldFail() {
        this.runner.withPropertyValues("tidefall.buffers.events.processor=notAProcessor")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("tidefall.buffers.events.processor is 'notAProcessor'")
                        .hasMessageContaining("not a BatchProcessor")
                        .hasMessageContaining("implement io.tidefall.BatchProcessor")));
    }

    @Test
    void runWithQueueProcessorOnHashMapShouldFail() {
        this.runner.withPropertyValues("tidefall.buffers.presence.type=hash-map", "tidefall.buffers.presence.processor=stringProcessor")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("Buffer 'presence' is a hash-map")
                        .hasMessageContaining("'stringProcessor' is a BatchProcessor<String>")
                        .hasMessageContaining("BatchProcessor<TidefallHashMap.Entry<K, V>>")));
    }

    @Test
    void runWithProcessorBeanAndAnnotatedMethodShouldFailNamingBoth() {
        this.runner.withUserConfiguration(EventsMethod.class)
                .withPropertyValues("tidefall.buffers.events.processor=recorder")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("Buffer 'events' has 2 processors")
                        .hasMessageContaining("the bean 'recorder' named by tidefall.buffers.events.processor")
                        .hasMessageContaining("Sink.store(List) of bean")
                        .hasMessageContaining("Keep exactly one")));
    }

    @Test
    void runWithTwoAnnotatedMethodsShouldFail() {
        this.runner.withUserConfiguration(EventsMethod.class, OtherEventsMethod.class)
                .withPropertyValues("tidefall.buffers.events.type=queue")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("Buffer 'events' has 2 processors")
                        .hasMessageContaining("Sink.store(List)")
                        .hasMessageContaining("OtherSink.write(List)")));
    }

    @Test
    void runWithMethodTakingTwoParametersShouldFail() {
        this.runner.withUserConfiguration(TwoParameters.class)
                .withPropertyValues("tidefall.buffers.events.type=queue")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("Buffer 'events': @TidefallProcessor method TwoParametersSink.store(List, String)")
                        .hasMessageContaining("must take exactly one parameter, a List")
                        .hasMessageContaining("Declare it as void store(List<YourItem> batch)")));
    }

    @Test
    void runWithMethodTakingNoListShouldFail() {
        this.runner.withUserConfiguration(NotAList.class)
                .withPropertyValues("tidefall.buffers.events.type=queue")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("NotAListSink.store(String)")
                        .hasMessageContaining("must take exactly one parameter, a List")));
    }

    @Test
    void runWithMethodReturningSomethingElseShouldFail() {
        this.runner.withUserConfiguration(WrongReturn.class)
                .withPropertyValues("tidefall.buffers.events.type=queue")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("WrongReturnSink.store(List)")
                        .hasMessageContaining("returns int, but must return void or a CompletionStage")));
    }

    @Test
    void runWithHashMapMethodTakingItemsShouldFail() {
        this.runner.withUserConfiguration(EventsMethod.class)
                .withPropertyValues("tidefall.buffers.events.type=hash-map")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("takes a List<String>, but a hash-map buffer hands its processor TidefallHashMap.Entry elements")
                        .hasMessageContaining("tidefall.buffers.events.type to queue")));
    }

    @Test
    void runWithAnnotationForUnknownBufferShouldFail() {
        this.runner.withUserConfiguration(EventsMethod.class)
                .withPropertyValues("tidefall.buffers.clicks.processor=recorder")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("@TidefallProcessor(\"events\")")
                        .hasMessageContaining("names no buffer configured under tidefall.buffers (configured: clicks)")
                        .hasMessageContaining("tidefall.buffers.events.type: queue")));
    }

    @Test
    void runWithAnnotationForUserDeclaredBufferShouldFail() {
        this.runner.withUserConfiguration(EventsMethod.class, UserEvents.class)
                .run(failsWith(failure -> failure
                        .hasMessageContaining("names the buffer 'events', which the application declares as a @Bean")
                        .hasMessageContaining("Give the processor to that buffer's builder")));
    }

    @Test
    void runWithUnknownSchedulerShouldFail() {
        this.runner.withPropertyValues("tidefall.scheduler=nope", "tidefall.buffers.events.processor=recorder")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("tidefall.scheduler is 'nope', but there is no TaskScheduler bean of that name")
                        .hasMessageContaining("Remove it to use the application's TaskScheduler")));
    }

    @Test
    void runWithExecutorOfWrongTypeShouldFail() {
        this.runner.withPropertyValues("tidefall.executor=recorder", "tidefall.buffers.events.processor=recorder")
                .run(failsWith(failure -> failure
                        .hasMessageContaining("tidefall.executor is 'recorder', but there is no Executor bean of that name")
                        .hasMessageContaining("(a bean 'recorder' exists, of another type)")));
    }

    @Test
    void runWithUnknownKeyUnderBufferShouldFail() {
        this.runner.withPropertyValues("tidefall.buffers.events.processor=recorder", "tidefall.buffers.events.procesing-interval=1s")
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(UnboundConfigurationPropertiesException.class)
                            .rootCause().hasMessageContaining("tidefall.buffers.events.procesing-interval");
                });
    }

    private static org.springframework.boot.test.context.runner.ContextConsumer<AssertableApplicationContext> failsWith(
            Consumer<ThrowableAssert<? extends Throwable>> expectations) {
        return context -> {
            assertThat(context).hasFailed();
            Throwable root = context.getStartupFailure();
            while (root.getCause() != null) {
                root = root.getCause();
            }
            assertThat(root).isInstanceOf(TidefallConfigurationException.class);
            expectations.accept(new ThrowableAssert<>(root));
        };
    }

    @Configuration(proxyBeanMethods = false)
    static class Processors {

        @Bean
        Recorder<Object> recorder() {
            return new Recorder<>();
        }

        @Bean
        String notAProcessor() {
            return "not a processor";
        }

        @Bean
        StringProcessor stringProcessor() {
            return new StringProcessor();
        }
    }

    static class StringProcessor implements BatchProcessor<String> {
        @Override
        public void process(List<String> batch) {
        }
    }

    static class Sink {
        @TidefallProcessor("events")
        public void store(List<String> batch) {
        }
    }

    static class OtherSink {
        @TidefallProcessor("events")
        public CompletableFuture<Void> write(List<String> batch) {
            return CompletableFuture.completedFuture(null);
        }
    }

    static class TwoParametersSink {
        @TidefallProcessor("events")
        public void store(List<String> batch, String extra) {
        }
    }

    static class NotAListSink {
        @TidefallProcessor("events")
        public void store(String item) {
        }
    }

    static class WrongReturnSink {
        @TidefallProcessor("events")
        public int store(List<String> batch) {
            return batch.size();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class EventsMethod {
        @Bean
        Sink sink() {
            return new Sink();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OtherEventsMethod {
        @Bean
        OtherSink otherSink() {
            return new OtherSink();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoParameters {
        @Bean
        TwoParametersSink twoParametersSink() {
            return new TwoParametersSink();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NotAList {
        @Bean
        NotAListSink notAListSink() {
            return new NotAListSink();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class WrongReturn {
        @Bean
        WrongReturnSink wrongReturnSink() {
            return new WrongReturnSink();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class UserEvents {
        @Bean
        TidefallQueue<String> userEvents() {
            return TidefallQueue.<String>builder("events").processor(batch -> { }).build();
        }

        @Bean
        TidefallHashMap<String, String> userPresence() {
            return TidefallHashMap.<String, String>builder("presence").processor(batch -> { }).build();
        }
    }
}

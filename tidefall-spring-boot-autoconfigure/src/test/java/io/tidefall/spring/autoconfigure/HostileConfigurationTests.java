package io.tidefall.spring.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.support.SpringFactoriesLoader;

import io.tidefall.BufferListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile {@code application.yml} values for every buffer key, every default and every top-level
 * key: each fails the startup with a failure analysis (what Boot prints under "APPLICATION FAILED
 * TO START") naming the property, and through it the buffer, and the value; no buffer starts.
 *
 * <p>Each row is real YAML, so that YAML's own typing takes part: {@code 1.5} arrives as a
 * number, {@code ''} as an empty string.
 */
class HostileConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class, TidefallAutoConfiguration.class,
                    TidefallDeadLetterAutoConfiguration.class))
            .withUserConfiguration(TidefallFailureTests.Processors.class);

    /**
     * {@code where}: {@code buffer} puts {@code key: value} under {@code tidefall.buffers.events}
     * (whose processor is {@code recorder}); {@code defaults} under {@code tidefall.defaults};
     * {@code tidefall} under {@code tidefall}; {@code name} declares a buffer named {@code key}
     * whose body is {@code value}. {@code expected}: fragments of the failure analysis, separated
     * by {@code ;}, besides the property, which every row checks.
     */
    @ParameterizedTest(name = "[{index}] {0} {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            buffer   | type                  | stack          | is 'stack', which is not a buffer type; 'queue'; 'hash-map'
            buffer   | type                  | ''             | is '', which is not a buffer type
            buffer   | type                  | 42             | is '42', which is not a buffer type
            buffer   | type                  | [queue]        | Value: "queue"; left unbound
            buffer   | processor             | nope           | is 'nope', but there is no bean of that name; (recorder, stringProcessor)
            buffer   | processor             | ''             | is blank
            buffer   | processor             | notAProcessor  | is 'notAProcessor', but that bean is a java.lang.String, not a BatchProcessor
            buffer   | partitions            | four           | Value: "four"; java.lang.Integer
            buffer   | partitions            | 1.5            | is '1.5', which is invalid: must be a whole number
            buffer   | partitions            | 0              | is '0', which is invalid: must be at least 1
            buffer   | partitions            | -1             | is '-1', which is invalid: must be at least 1
            buffer   | partitions            | 99999999999    | Value: "99999999999"; java.lang.Integer
            buffer   | partitions            | true           | Value: "true"; java.lang.Integer
            buffer   | processing-interval   | -5s            | is '-5s', which is invalid: must be a positive duration
            buffer   | processing-interval   | 0              | is '0', which is invalid: must be a positive duration
            buffer   | processing-interval   | 5              | is '5', which is invalid: a duration needs a unit; 5ms or 5s
            defaults | processing-timeout    | 60             | is '60', which is invalid: a duration needs a unit; 60ms or 60s
            buffer   | retry-backoff         | 100            | is '100', which is invalid: a duration needs a unit
            buffer   | processing-interval   | 99999999999d   | is '99999999999d', which is invalid: must be at most 292 years
            buffer   | processing-interval   | soon           | is 'soon', which is invalid: must be a duration such as 250ms, 5s or PT1M
            buffer   | processing-interval   | 1.5            | is '1.5', which is invalid: must be a duration such as 250ms, 5s or PT1M
            buffer   | processing-timeout    | 0              | is '0', which is invalid: must be a positive duration
            buffer   | processing-timeout    | -5s            | is '-5s', which is invalid: must be a positive duration
            buffer   | processing-timeout    | 99999999999d   | is '99999999999d', which is invalid: must be at most 292 years
            buffer   | processing-batch-size | 0              | is '0', which is invalid: must be a positive number or 'table'
            buffer   | processing-batch-size | -1             | is '-1', which is invalid: must be a positive number or 'table'
            buffer   | processing-batch-size | tables         | is 'tables', which is invalid: must be a positive number or 'table'
            buffer   | processing-batch-size | 1.5            | is '1.5', which is invalid: must be a positive number or 'table'
            buffer   | processing-batch-size | 99999999999    | is '99999999999', which is invalid: must be a positive number or 'table'
            buffer   | drain-threshold       | 0              | is '0', which is invalid: must be positive
            buffer   | drain-threshold       | -1             | is '-1', which is invalid: must be positive
            buffer   | drain-threshold       | lots           | is 'lots', which is invalid: must be a positive number of elements, or 'off'
            buffer   | drain-threshold       | 1.5            | is '1.5', which is invalid: must be a positive number of elements, or 'off'
            buffer   | drain-check-interval  | 0              | is '0', which is invalid: must be a positive duration
            buffer   | drain-check-interval  | -5s            | is '-5s', which is invalid: must be a positive duration
            buffer   | drain-check-interval  | 99999999999d   | is '99999999999d', which is invalid: must be at most 292 years
            buffer   | capacity              | 0              | is '0', which is invalid: must be positive
            buffer   | capacity              | -1             | is '-1', which is invalid: must be positive
            buffer   | capacity              | lots           | is 'lots', which is invalid: must be a positive number of elements per partition, or 'off'
            buffer   | capacity              | 1.5            | is '1.5', which is invalid: must be a positive number of elements per partition
            buffer   | capacity              | 1.0e+30        | is '1.0E30', which is invalid: must be a positive number of elements per partition
            buffer   | capacity              | 99999999999999999999 | is '99999999999999999999', which is invalid: must be a positive number of elements per partition
            buffer   | overflow              | sideways       | is 'sideways', which is invalid: must be one of block, drop, fail
            buffer   | overflow              | ''             | is '', which is invalid: must be one of block, drop, fail
            buffer   | max-block             | 0              | is '0', which is invalid: must be a positive duration
            buffer   | max-block             | -5s            | is '-5s', which is invalid: must be a positive duration
            buffer   | max-block             | 99999999999d   | is '99999999999d', which is invalid: must be at most 292 years
            buffer   | processing-retries    | -1             | is '-1', which is invalid: must be 0 or a positive number, or 'unlimited'
            buffer   | processing-retries    | many           | is 'many', which is invalid: must be 0 or a positive number, or 'unlimited'
            buffer   | processing-retries    | 1.5            | is '1.5', which is invalid: must be 0 or a positive number
            buffer   | processing-retries    | 99999999999    | is '99999999999', which is invalid: must be 0 or a positive number
            buffer   | retry-backoff         | -1ms           | is '-1ms', which is invalid: must be zero or a positive duration
            buffer   | retry-backoff         | 99999999999d   | is '99999999999d', which is invalid: must be at most 292 years
            buffer   | retry-backoff         | soon           | is 'soon', which is invalid: must be a duration such as 250ms, 5s or PT1M
            buffer   | retry-backoff-max     | -1ms           | is '-1ms', which is invalid: must be zero or a positive duration
            buffer   | retry-backoff-max     | 99999999999d   | is '99999999999d', which is invalid: must be at most 292 years
            buffer   | retry-backoff-max     | soon           | is 'soon', which is invalid: must be a duration such as 250ms, 5s or PT1M
            buffer   | delivery-timeout      | 0              | is '0', which is invalid: must be a positive duration
            buffer   | delivery-timeout      | -5s            | is '-5s', which is invalid: must be a positive duration
            buffer   | delivery-timeout      | 99999999999d   | is '99999999999d', which is invalid: must be at most 292 years
            buffer   | delivery-timeout      | soon           | is 'soon', which is invalid: must be a duration such as 250ms, 5s or PT1M
            buffer   | failure-handler       | nope           | is 'nope', but there is no BatchFailureHandler bean of that name
            buffer   | failure-handler       | ''             | is '', which is invalid: must name a bean
            buffer   | failure-handler       | recorder       | is 'recorder', but there is no BatchFailureHandler bean of that name; of another type
            buffer   | colour                | blue           | Value: "blue"; left unbound
            defaults | partitions            | four           | Value: "four"; java.lang.Integer
            defaults | partitions            | 0              | Buffer 'events'; is '0', which is invalid: must be at least 1; It is the default of every buffer
            defaults | processing-interval   | -5s            | Buffer 'events'; is '-5s', which is invalid: must be a positive duration; It is the default of every buffer
            defaults | processing-timeout    | 99999999999d   | Buffer 'events'; is '99999999999d', which is invalid: must be at most 292 years
            defaults | processing-batch-size | tables         | Buffer 'events'; is 'tables', which is invalid: must be a positive number or 'table'
            defaults | drain-threshold       | -1             | Buffer 'events'; is '-1', which is invalid: must be positive
            defaults | drain-check-interval  | 0              | Buffer 'events'; is '0', which is invalid: must be a positive duration
            defaults | capacity              | 2.5            | Buffer 'events'; is '2.5', which is invalid: must be a positive number of elements per partition
            defaults | capacity              | 0              | Buffer 'events'; is '0', which is invalid: must be positive
            defaults | overflow              | sideways       | Buffer 'events'; is 'sideways', which is invalid: must be one of block, drop, fail
            defaults | max-block             | -5s            | Buffer 'events'; is '-5s', which is invalid: must be a positive duration
            defaults | processing-retries    | -1             | Buffer 'events'; is '-1', which is invalid: must be 0 or a positive number
            defaults | retry-backoff         | 99999999999d   | Buffer 'events'; is '99999999999d', which is invalid: must be at most 292 years
            defaults | delivery-timeout      | 0s             | Buffer 'events'; is '0s', which is invalid: must be a positive duration
            defaults | failure-handler       | nope           | Buffer 'events'; is 'nope', but there is no BatchFailureHandler bean of that name
            defaults | type                  | queue          | Value: "queue"; left unbound
            defaults | processor             | recorder       | Value: "recorder"; left unbound
            defaults | colour                | blue           | Value: "blue"; left unbound
            tidefall | enabled               | maybe          | is 'maybe', which is neither true nor false
            tidefall | enabled               | ''             | is '', which is neither true nor false
            tidefall | scheduler             | nope           | is 'nope', but there is no TaskScheduler bean of that name
            tidefall | executor              | nope           | is 'nope', but there is no Executor bean of that name
            tidefall | colour                | blue           | Value: "blue"; left unbound
            dead-letter | max-size           | 0B             | is '0B', which is invalid: it must be positive
            dead-letter | max-size           | -1MB           | is '-1MB', which is invalid: it must be positive
            dead-letter | max-size           | lots           | Value: "lots"; org.springframework.util.unit.DataSize
            dead-letter | directory          | /dev/null      | is '/dev/null', which cannot be used; FileAlreadyExistsException
            dead-letter | directory          | /proc/tidefall | is '/proc/tidefall', which cannot be used; NoSuchFileException
            dead-letter | replay-on-start    | maybe          | Value: "maybe"; Invalid boolean value 'maybe'
            dead-letter | colour             | blue           | Value: "blue"; left unbound
            buffer   | durability            | fast           | is 'fast', which is invalid: must be one of memory, process, sync
            buffer   | durability            | ''             | is '', which is invalid: must be one of memory, process, sync
            defaults | durability            | fast           | Buffer 'events'; is 'fast', which is invalid: must be one of memory, process, sync; It is the default of every buffer
            buffer   | journal-limit         | 0B             | is '0B', which is invalid: must be at least 1KB
            buffer   | journal-limit         | 1023B          | is '1023B', which is invalid: must be at least 1KB
            defaults | journal-limit         | 0B             | Buffer 'events'; is '0B', which is invalid: must be at least 1KB; It is the default of every buffer
            buffer   | journal-limit         | lots           | Value: "lots"; org.springframework.util.unit.DataSize
            buffer   | codec                 | ''             | is '', which is invalid: must name a bean
            buffer   | key-codec             | recorder       | is 'recorder', which is invalid: a queue has no keys
            durable  | codec                 | nope           | is 'nope', but there is no ElementCodec bean of that name
            durable  | codec                 | recorder       | is 'recorder', but there is no ElementCodec bean of that name; of another type
            journal  | directory             | /dev/null      | Buffer 'events' has durability process; is '/dev/null', which cannot be used; Not a directory
            journal  | directory             | /proc/tidefall | Buffer 'events' has durability process; is '/proc/tidefall', which cannot be used; persistent volume
            journal  | colour                | blue           | Value: "blue"; left unbound
            name     | ''                    | {processor: recorder}  | tidefall.buffers.processor is 'recorder', but each entry under tidefall.buffers must be a buffer; must not be empty
            name     | ' '                   | {processor: recorder}  | tidefall.buffers.processor is 'recorder', but each entry under tidefall.buffers must be a buffer; must not be empty
            name     | events                | lots                   | tidefall.buffers.events is 'lots', but each entry under tidefall.buffers must be a buffer
            name     | events                | [queue]                | Value: "queue"; left unbound
            name     | events                | ''                     | tidefall.buffers.events is '', but each entry under tidefall.buffers must be a buffer
            name     | events                | ~                      | tidefall.buffers.events is '', but each entry under tidefall.buffers must be a buffer
            """)
    void hostileValueShouldFailStartupNamingPropertyAndValueAndStartNoBuffer(String where, String key, String value,
            String expected) {
        String yaml = yaml(where, key, value);
        List<String> started = new CopyOnWriteArrayList<>();
        this.runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(load(yaml)))
                .withBean("startWatcher", BufferListener.class, () -> startWatcher(started))
                .run(context -> {
                    assertThat(context).as("startup with%n%s", yaml).hasFailed();
                    FailureAnalysis analysis = analyze(context.getStartupFailure());
                    assertThat(analysis).as("failure analysis of %s", context.getStartupFailure()).isNotNull();
                    String report = analysis.getDescription() + "\n" + analysis.getAction();
                    assertThat(report).as("report for%n%s", yaml).contains(property(where, key));
                    Arrays.stream(expected.split(";")).map(String::strip)
                            .forEach(fragment -> assertThat(report).as("report for%n%s", yaml).contains(fragment));
                });
        assertThat(started).as("buffers started with%n%s", yaml).isEmpty();
    }

    /** With no buffer to name, a default that is none of an enum's values still fails, naming the accepted values. */
    @Test
    void anInvalidEnumDefaultWithoutBuffersShouldFailNamingTheAcceptedValues() {
        this.runner.withInitializer(context -> context.getEnvironment().getPropertySources()
                        .addFirst(load("tidefall:\n  defaults:\n    overflow: sideways\n")))
                .run(context -> {
                    assertThat(context).hasFailed();
                    FailureAnalysis analysis = analyze(context.getStartupFailure());
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription()).contains("tidefall.defaults.overflow").contains("sideways");
                    assertThat(analysis.getAction()).containsIgnoringCase("block").containsIgnoringCase("drop")
                            .containsIgnoringCase("fail");
                });
    }

    @Test
    void validYamlShouldStartTheBufferSoTheStartWatcherCanFail() {
        List<String> started = new CopyOnWriteArrayList<>();
        String yaml = yaml("buffer", "partitions", "1");
        this.runner.withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(load(yaml)))
                .withBean("startWatcher", BufferListener.class, () -> startWatcher(started))
                .run(context -> assertThat(context).hasNotFailed());
        assertThat(started).containsExactly("events");
    }

    private static String yaml(String where, String key, String value) {
        String buffer = "  buffers:\n    events:\n      processor: recorder\n";
        return switch (where) {
            case "buffer" -> key.equals("processor") ? "tidefall:\n  buffers:\n    events:\n      processor: " + value + "\n"
                    : "tidefall:\n" + buffer + "      " + key + ": " + value + "\n";
            case "defaults" -> "tidefall:\n  defaults:\n    " + key + ": " + value + "\n" + buffer;
            case "tidefall" -> "tidefall:\n  " + key + ": " + value + "\n" + buffer;
            case "dead-letter" -> "tidefall:\n  dead-letter:\n" + (key.equals("directory") ? ""
                    : "    directory: " + System.getProperty("java.io.tmpdir") + "/tidefall-hostile-dead-letters\n")
                    + "    " + key + ": " + value + "\n" + buffer;
            case "durable" -> "tidefall:\n  journal:\n    directory: " + System.getProperty("java.io.tmpdir")
                    + "/tidefall-hostile-journal\n" + buffer + "      durability: process\n      " + key + ": " + value + "\n";
            case "journal" -> "tidefall:\n  journal:\n    " + key + ": " + value + "\n" + buffer + "      durability: process\n";
            case "name" -> "tidefall:\n  buffers:\n    " + key + ": " + value + "\n";
            default -> throw new IllegalArgumentException(where);
        };
    }

    private static String property(String where, String key) {
        return switch (where) {
            case "buffer", "durable" -> "tidefall.buffers.events." + key;
            case "journal" -> "tidefall.journal." + key;
            case "defaults" -> "tidefall.defaults." + key;
            case "tidefall" -> "tidefall." + key;
            case "dead-letter" -> "tidefall.dead-letter." + key;
            case "name" -> "tidefall.buffers";
            default -> throw new IllegalArgumentException(where);
        };
    }

    private static PropertySource<?> load(String yaml) {
        try {
            List<PropertySource<?>> sources = new YamlPropertySourceLoader()
                    .load("application.yml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8), "application.yml"));
            return sources.get(0);
        } catch (IOException unreadable) {
            throw new IllegalStateException(unreadable);
        }
    }

    private static BufferListener startWatcher(List<String> started) {
        return new BufferListener() {
            @Override
            public void partitionStarted(String buffer, int partition) {
                started.add(buffer);
            }
        };
    }

    /** The analysis Boot would print: the first registered analyzer that recognises the failure. */
    private static FailureAnalysis analyze(Throwable failure) {
        List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation(HostileConfigurationTests.class.getClassLoader())
                .load(FailureAnalyzer.class, SpringFactoriesLoader.ArgumentResolver.none(),
                        SpringFactoriesLoader.FailureHandler.handleMessage((message, notInstantiable) -> { }));
        for (FailureAnalyzer analyzer : analyzers) {
            FailureAnalysis analysis = analyzer.analyze(failure);
            if (analysis != null) {
                return analysis;
            }
        }
        return null;
    }
}

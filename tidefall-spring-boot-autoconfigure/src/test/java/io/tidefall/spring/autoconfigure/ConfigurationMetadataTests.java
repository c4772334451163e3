package io.tidefall.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.ClassPathResource;

import io.tidefall.BatchSize;
import io.tidefall.BufferOptions;

import static org.assertj.core.api.Assertions.assertThat;

/** IDEs complete and document every key, the per-buffer ones included. */
class ConfigurationMetadataTests {

    private static final List<String> OPTIONS = List.of("partitions", "processing-interval", "processing-timeout",
            "processing-batch-size", "drain-threshold", "drain-check-interval", "capacity", "overflow", "max-block",
            "processing-retries", "retry-backoff", "retry-backoff-max", "delivery-timeout", "failure-handler");

    @Test
    void metadataShouldDescribeEveryKey() throws IOException {
        Object metadata = read();
        List<Map<String, Object>> properties = JsonPath.read(metadata, "$.properties");
        assertThat(properties).extracting(property -> property.get("name")).contains("tidefall.enabled",
                "tidefall.scheduler", "tidefall.executor", "tidefall.buffers");
        for (String option : OPTIONS) {
            assertDescribed(properties, "tidefall.defaults." + option);
            assertDescribed(properties, "tidefall.buffers.*." + option);
        }
        assertDescribed(properties, "tidefall.buffers.*.type");
        assertDescribed(properties, "tidefall.buffers.*.processor");
        assertThat(properties).filteredOn(property -> "tidefall.defaults.processing-interval".equals(property.get("name")))
                .singleElement().satisfies(property -> assertThat(property.get("type")).isEqualTo("java.time.Duration"));
    }

    @Test
    void metadataShouldHintTypesAndBatchSize() throws IOException {
        Object metadata = read();
        List<String> types = JsonPath.read(metadata, "$.hints[?(@.name == 'tidefall.buffers.*.type')].values[*].value");
        assertThat(types).containsExactly("queue", "hash-map");
        List<String> sizes = JsonPath.read(metadata, "$.hints[?(@.name == 'tidefall.defaults.processing-batch-size')].values[*].value");
        assertThat(sizes).containsExactly("table");
        List<String> overflow = JsonPath.read(metadata, "$.hints[?(@.name == 'tidefall.buffers.*.overflow')].values[*].value");
        assertThat(overflow).containsExactly("block", "drop", "fail");
        List<String> defaultOverflow = JsonPath.read(metadata, "$.hints[?(@.name == 'tidefall.defaults.overflow')].values[*].value");
        assertThat(defaultOverflow).containsExactly("block", "drop", "fail");
    }

    @Test
    void everyPropertyHasADescription() throws IOException {
        List<Map<String, Object>> properties = JsonPath.read(read(), "$.properties");
        assertThat(properties).isNotEmpty().allSatisfy(property -> assertThat((String) property.get("description"))
                .as("description of %s", property.get("name")).isNotBlank());
    }

    /** The defaults an IDE shows are the engine's, read from the built metadata and compared with BufferOptions. */
    @Test
    void defaultsShowTheEnginesDefaults() throws IOException {
        List<Map<String, Object>> properties = JsonPath.read(read(), "$.properties");
        Map<String, Object> shown = new java.util.HashMap<>();
        properties.stream().filter(property -> ((String) property.get("name")).startsWith("tidefall.defaults."))
                .filter(property -> property.get("defaultValue") != null)
                .forEach(property -> shown.put((String) property.get("name"), property.get("defaultValue")));
        BufferOptions engine = BufferOptions.defaults();
        assertThat(duration(shown, "processing-interval")).isEqualTo(engine.processingInterval());
        assertThat(duration(shown, "processing-timeout")).isEqualTo(engine.processingTimeout());
        assertThat(duration(shown, "drain-check-interval")).isEqualTo(engine.drainCheckInterval());
        assertThat(duration(shown, "max-block")).isEqualTo(engine.maxBlock());
        assertThat(duration(shown, "retry-backoff")).isEqualTo(engine.retryBackoff());
        assertThat(BatchSize.parse(String.valueOf(shown.get("tidefall.defaults.processing-batch-size"))))
                .isEqualTo(engine.processingBatchSize());
        assertThat(String.valueOf(shown.get("tidefall.defaults.overflow"))).isEqualToIgnoringCase(engine.overflow().name());
        assertThat(((Number) shown.get("tidefall.defaults.processing-retries")).intValue()).isEqualTo(engine.processingRetries());
        // Options the engine leaves unset by default (partitions: one per processor; drain threshold, capacity: off)
        // and names of beans have no default value to show.
        assertThat(shown).doesNotContainKeys("tidefall.defaults.partitions", "tidefall.defaults.drain-threshold",
                "tidefall.defaults.capacity", "tidefall.defaults.failure-handler");
    }

    private static Duration duration(Map<String, Object> shown, String option) {
        Object value = shown.get("tidefall.defaults." + option);
        assertThat(value).as("default of tidefall.defaults.%s", option).isNotNull();
        return DurationStyle.detectAndParse(String.valueOf(value));
    }

    private static void assertDescribed(List<Map<String, Object>> properties, String name) {
        assertThat(properties).as(name).filteredOn(property -> name.equals(property.get("name"))).singleElement()
                .satisfies(property -> assertThat((String) property.get("description")).isNotBlank());
    }

    private static Object read() throws IOException {
        try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
            return com.jayway.jsonpath.Configuration.defaultConfiguration().jsonProvider().parse(json, "UTF-8");
        }
    }
}

package io.tidefall.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/** IDEs complete and document every key, the per-buffer ones included. */
class ConfigurationMetadataTests {

    private static final List<String> OPTIONS = List.of("partitions", "processing-interval", "processing-timeout",
            "processing-batch-size", "drain-threshold", "drain-check-interval", "capacity", "overflow", "max-block",
            "processing-retries", "retry-backoff", "failure-handler");

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

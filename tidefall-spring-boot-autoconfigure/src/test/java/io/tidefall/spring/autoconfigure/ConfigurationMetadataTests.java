package io.tidefall.spring.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import io.tidefall.Durability;
import io.tidefall.ElementCodec;
import io.tidefall.OverflowPolicy;
import io.tidefall.spring.BufferType;
import io.tidefall.spring.RuntimeOption;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * IDEs complete and document every key, the per-buffer ones included. Each runtime option is
 * checked by {@link RuntimeOptionCatalogueTests}, from the {@link RuntimeOption} catalogue; this
 * covers the rest.
 */
class ConfigurationMetadataTests {

    /** The options a buffer takes besides the runtime ones: fixed when it is built. */
    private static final List<String> BUILD_OPTIONS = List.of("partitions", "failure-handler");

    @Test
    void metadataShouldDescribeEveryKey() throws IOException {
        List<Map<String, Object>> properties = JsonPath.read(RuntimeOptionCatalogueTests.metadata(), "$.properties");
        assertThat(properties).extracting(property -> property.get("name")).contains("tidefall.enabled",
                "tidefall.scheduler", "tidefall.executor", "tidefall.buffers");
        for (String option : BUILD_OPTIONS) {
            assertDescribed(properties, "tidefall.defaults." + option);
            assertDescribed(properties, "tidefall.buffers.*." + option);
        }
        assertDescribed(properties, "tidefall.buffers.*.type");
        assertDescribed(properties, "tidefall.buffers.*.processor");
        for (String sink : List.of("jdbc.sql", "jdbc.data-source", "item-writer", "kafka.topic", "kafka.key", "kafka.template")) {
            assertDescribed(properties, "tidefall.buffers.*.sink." + sink);
        }
        assertThat(properties).filteredOn(property -> "tidefall.defaults.processing-interval".equals(property.get("name")))
                .singleElement().satisfies(property -> assertThat(property.get("type")).isEqualTo("java.time.Duration"));
    }

    /** The buffer type and the overflow policy are enums, whose values IDEs offer; the batch size is hinted. */
    @Test
    void metadataShouldTypeTheEnumsAndHintTheBatchSize() throws IOException {
        Object metadata = RuntimeOptionCatalogueTests.metadata();
        List<String> types = JsonPath.read(metadata, "$.properties[?(@.name == 'tidefall.buffers.*.type')].type");
        assertThat(types).containsExactly(BufferType.class.getName());
        List<String> overflow = JsonPath.read(metadata, "$.properties[?(@.name =~ /tidefall\\.(defaults|buffers\\.\\*)\\.overflow/)].type");
        assertThat(overflow).containsExactly(OverflowPolicy.class.getName(), OverflowPolicy.class.getName());
        List<String> hinted = JsonPath.read(metadata, "$.hints[*].name");
        assertThat(hinted).as("hand-written hints that the enums make needless")
                .doesNotContain("tidefall.buffers.*.type", "tidefall.buffers.*.overflow", "tidefall.defaults.overflow");
        List<String> sizes = JsonPath.read(metadata, "$.hints[?(@.name == 'tidefall.defaults.processing-batch-size')].values[*].value");
        assertThat(sizes).containsExactly("table");
        List<String> perBufferSizes = JsonPath.read(metadata, "$.hints[?(@.name == 'tidefall.buffers.*.processing-batch-size')].values[*].value");
        assertThat(perBufferSizes).containsExactly("table");
    }

    /** Durability and its journal: typed, so that IDEs offer memory, process and sync and read sizes as sizes. */
    @Test
    void metadataShouldDescribeTheJournalKeys() throws IOException {
        Object metadata = RuntimeOptionCatalogueTests.metadata();
        List<Map<String, Object>> properties = JsonPath.read(metadata, "$.properties");
        for (String level : List.of("tidefall.defaults.", "tidefall.buffers.*.")) {
            assertDescribed(properties, level + "durability");
            assertDescribed(properties, level + "journal-limit");
        }
        assertDescribed(properties, "tidefall.buffers.*.codec");
        assertDescribed(properties, "tidefall.buffers.*.key-codec");
        assertDescribed(properties, "tidefall.journal.directory");
        List<String> durability = JsonPath.read(metadata, "$.properties[?(@.name =~ /tidefall\\.(defaults|buffers\\.\\*)\\.durability/)].type");
        assertThat(durability).containsExactly(Durability.class.getName(), Durability.class.getName());
        List<String> limits = JsonPath.read(metadata, "$.properties[?(@.name =~ /tidefall\\.(defaults|buffers\\.\\*)\\.journal-limit/)].type");
        assertThat(limits).containsExactly(DataSize.class.getName(), DataSize.class.getName());
        List<String> directory = JsonPath.read(metadata, "$.properties[?(@.name == 'tidefall.journal.directory')].type");
        assertThat(directory).containsExactly(Path.class.getName());
        List<String> codecTargets = JsonPath.read(metadata,
                "$.hints[?(@.name =~ /tidefall\\.buffers\\.\\*\\.(key-)?codec/)].providers[*].parameters.target");
        assertThat(codecTargets).containsExactly(ElementCodec.class.getName(), ElementCodec.class.getName());
    }

    @Test
    void everyPropertyHasADescription() throws IOException {
        List<Map<String, Object>> properties = JsonPath.read(RuntimeOptionCatalogueTests.metadata(), "$.properties");
        assertThat(properties).isNotEmpty().allSatisfy(property -> assertThat((String) property.get("description"))
                .as("description of %s", property.get("name")).isNotBlank());
    }

    /** The engine's defaults of the runtime options are checked per option by the catalogue tests. */
    @Test
    void optionsWithoutAnEngineDefaultShowNone() throws IOException {
        List<Map<String, Object>> properties = JsonPath.read(RuntimeOptionCatalogueTests.metadata(), "$.properties");
        // partitions: one per processor; names of beans: none
        assertThat(properties).filteredOn(property -> BUILD_OPTIONS.stream()
                        .anyMatch(option -> ((String) property.get("name")).endsWith("." + option)))
                .hasSize(4).allSatisfy(property -> assertThat(property).doesNotContainKey("defaultValue"));
        assertThat(properties).filteredOn(property -> "tidefall.buffers.*.type".equals(property.get("name")))
                .singleElement().satisfies(property -> assertThat(property.get("defaultValue")).isEqualTo("queue"));
    }

    private static void assertDescribed(List<Map<String, Object>> properties, String name) {
        assertThat(properties).as(name).filteredOn(property -> name.equals(property.get("name"))).singleElement()
                .satisfies(property -> assertThat((String) property.get("description")).isNotBlank());
    }
}

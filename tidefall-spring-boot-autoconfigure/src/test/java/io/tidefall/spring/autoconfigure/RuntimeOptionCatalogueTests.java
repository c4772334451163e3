package io.tidefall.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.jayway.jsonpath.JsonPath;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.ClassPathResource;

import io.tidefall.BatchSize;
import io.tidefall.BufferOptions;
import io.tidefall.spring.RuntimeOption;
import io.tidefall.spring.actuate.TidefallEndpoint;
import io.tidefall.spring.actuate.TidefallEndpointWebExtension;
import io.tidefall.spring.autoconfigure.TidefallProperties.BufferProperties;
import io.tidefall.spring.autoconfigure.TidefallProperties.Options;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link RuntimeOption} catalogue agrees with {@link BufferOptions}' components, and every place
 * the starter takes options follows from it: the properties declare none of their own, the
 * {@code updateOptions} operations take them as one map, and the built configuration metadata
 * describes each ({@link RuntimeOptionMetadataTests} generates it). Each test names the place
 * that disagrees; the catalogue's entries are checked to read, parse and write their own option
 * and no other, from configuration as from the endpoint.
 */
class RuntimeOptionCatalogueTests {

    private static final List<String> CATALOGUE = Arrays.stream(RuntimeOption.values()).map(RuntimeOption::field).toList();

    @Test
    void theCatalogueHasEveryComponentOfBufferOptionsInOrder() {
        assertThat(CATALOGUE).as("RuntimeOption, against the components of BufferOptions")
                .containsExactly(Arrays.stream(BufferOptions.class.getRecordComponents()).map(RecordComponent::getName)
                        .toArray(String[]::new));
    }

    /** An option is declared once: the properties classes have no field for one, so they cannot disagree with it. */
    @Test
    void thePropertiesDeclareNoRuntimeOption() {
        for (Class<?> properties : List.of(Options.class, BufferProperties.class, TidefallProperties.class)) {
            List<String> fields = Arrays.stream(properties.getDeclaredFields()).map(Field::getName).toList();
            assertThat(fields).as("the fields of %s", properties.getSimpleName()).doesNotContainAnyElementsOf(CATALOGUE);
        }
    }

    /**
     * Both {@code updateOptions} operations take the options as one map, which
     * {@code TidefallRequestFieldsAdvisor} fills from the request's fields: an option needs no
     * parameter of its own.
     */
    @ParameterizedTest
    @ValueSource(classes = { TidefallEndpoint.class, TidefallEndpointWebExtension.class })
    void theUpdateOperationTakesTheOptionsAsOneMap(Class<?> endpoint) {
        Method operation = Arrays.stream(endpoint.getMethods())
                .filter(method -> method.getName().equals("updateOptions") && method.isAnnotationPresent(WriteOperation.class))
                .findFirst().orElseThrow();
        List<Parameter> fields = Arrays.stream(operation.getParameters())
                .filter(parameter -> !parameter.isAnnotationPresent(Selector.class))
                .toList();
        assertThat(fields).as("parameters of %s compiled with their names (-parameters)", operation)
                .allMatch(Parameter::isNamePresent);
        assertThat(fields).extracting(Parameter::getType).as("the parameters of %s", operation).containsExactly(Map.class);
    }

    /**
     * The property each entry reads is its own: {@code tidefall.buffers.events.<property>} changes
     * that option of the buffer and no other; {@code tidefall.defaults.<property>} does the same
     * for a buffer that does not set it.
     */
    @ParameterizedTest
    @EnumSource(RuntimeOption.class)
    void eachEntryReadsItsOwnProperty(RuntimeOption option) {
        Object engineDefault = option.read(BufferOptions.defaults());
        for (String prefix : List.of("tidefall.buffers.events.", "tidefall.defaults.")) {
            TidefallProperties properties = new TidefallProperties();
            properties.getBuffers().put("events", new BufferProperties());
            Map<String, String> written = Map.of(prefix + option.property(), sample(engineDefault));
            BufferOptions options = BufferDefinition.resolveAll(properties, written::get).get(0).options();
            for (RuntimeOption each : RuntimeOption.values()) {
                assertThat(each.read(options)).as("%s, from %s", each, written)
                        .matches(value -> Objects.equals(value, each.read(BufferOptions.defaults())) == (each != option));
            }
        }
    }

    /** Parsing, writing and reading back a value other than the default touches this option and no other. */
    @ParameterizedTest
    @EnumSource(RuntimeOption.class)
    void eachEntryParsesWritesAndReadsItsOwnOption(RuntimeOption option) {
        BufferOptions defaults = BufferOptions.defaults();
        Object value = option.parse(sample(option.read(defaults)));
        BufferOptions changed = option.apply(defaults, value);
        assertThat(option.read(changed)).isEqualTo(value).isNotEqualTo(option.read(defaults));
        for (RuntimeOption other : RuntimeOption.values()) {
            if (other != option) {
                assertThat(other.read(changed)).as("%s after changing %s", other, option).isEqualTo(other.read(defaults));
            }
        }
    }

    @Test
    void propertyNamesAreTheFieldsInKebabCase() {
        assertThat(RuntimeOption.PROCESSING_BATCH_SIZE.property()).isEqualTo("processing-batch-size");
        assertThat(RuntimeOption.CAPACITY.property()).isEqualTo("capacity");
    }

    /**
     * The built metadata (generated from {@code TidefallProperties}, merged with the hand-written
     * {@code tidefall.buffers.*} entries) describes each option under both prefixes, with one
     * type, and shows the engine's default where it has one.
     */
    @ParameterizedTest
    @EnumSource(RuntimeOption.class)
    void theMetadataDescribesEachOptionWithTheEnginesDefault(RuntimeOption option) throws IOException {
        Map<String, Object> defaults = property("tidefall.defaults." + option.property());
        Map<String, Object> perBuffer = property("tidefall.buffers.*." + option.property());
        assertThat((String) defaults.get("description")).as("description of tidefall.defaults.%s", option.property())
                .isNotBlank();
        assertThat((String) perBuffer.get("description")).as("description of tidefall.buffers.*.%s", option.property())
                .isNotBlank();
        assertThat((String) defaults.get("description")).as("description of tidefall.defaults.%s, against RuntimeOption", option.property())
                .startsWith(option.description());
        assertThat((String) perBuffer.get("description")).as("description of tidefall.buffers.*.%s, against RuntimeOption", option.property())
                .startsWith(option.description() + " Falls back to tidefall.defaults." + option.property());
        assertThat(perBuffer.get("type")).as("type of tidefall.buffers.*.%s", option.property()).isEqualTo(defaults.get("type"));
        Object engineDefault = option.read(BufferOptions.defaults());
        if (engineDefault == null) {
            assertThat(defaults).as("tidefall.defaults.%s: the engine leaves it unset", option.property())
                    .doesNotContainKey("defaultValue");
        } else {
            assertThat(defaults.get("defaultValue")).as("default of tidefall.defaults.%s", option.property()).isNotNull();
            assertThat(option.parse(String.valueOf(defaults.get("defaultValue"))))
                    .as("default of tidefall.defaults.%s", option.property()).isEqualTo(engineDefault);
        }
    }

    /** A text this option reads as a value other than the engine's default. */
    static String sample(@Nullable Object engineDefault) {
        if (engineDefault instanceof Duration duration) {
            return DurationStyle.SIMPLE.print(duration.plusMillis(7));
        }
        if (engineDefault instanceof BatchSize) {
            return "table";
        }
        if (engineDefault instanceof Enum<?> constant) {
            Object[] constants = constant.getDeclaringClass().getEnumConstants();
            return ((Enum<?>) constants[(constant.ordinal() + 1) % constants.length]).name();
        }
        return "7";
    }

    private static Map<String, Object> property(String name) throws IOException {
        List<Map<String, Object>> found = JsonPath.read(metadata(), "$.properties[?(@.name == '" + name + "')]");
        assertThat(found).as("%s in META-INF/spring-configuration-metadata.json", name).hasSize(1);
        return found.get(0);
    }

    static Object metadata() throws IOException {
        try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
            return com.jayway.jsonpath.Configuration.defaultConfiguration().jsonProvider().parse(json, "UTF-8");
        }
    }
}

package io.tidefall.spring.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.ClassPathResource;

import io.tidefall.BatchSize;
import io.tidefall.BufferOptions;
import io.tidefall.spring.RuntimeOption;
import io.tidefall.spring.actuate.TidefallEndpoint;
import io.tidefall.spring.actuate.TidefallEndpointWebExtension;
import io.tidefall.spring.autoconfigure.TidefallProperties.Options;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every runtime option is in every place the starter lists it: {@link BufferOptions}' components,
 * the {@link RuntimeOption} catalogue, {@link TidefallProperties.Options}, the parameters of both
 * {@code updateOptions} operations, and the built configuration metadata. Each test names the
 * place that lacks an option; the catalogue's entries are checked to read, parse and write their
 * own option and no other.
 */
class RuntimeOptionCatalogueTests {

    /** Options of a buffer that are fixed when it is built, so not runtime options. */
    private static final List<String> BUILD_OPTIONS = List.of("partitions", "failureHandler");

    private static final List<String> CATALOGUE = Arrays.stream(RuntimeOption.values()).map(RuntimeOption::field).toList();

    @Test
    void theCatalogueHasEveryComponentOfBufferOptionsInOrder() {
        assertThat(CATALOGUE).as("RuntimeOption, against the components of BufferOptions")
                .containsExactly(Arrays.stream(BufferOptions.class.getRecordComponents()).map(RecordComponent::getName)
                        .toArray(String[]::new));
    }

    @Test
    void thePropertiesHaveEveryOptionInOrder() {
        List<String> properties = Arrays.stream(Options.class.getDeclaredFields())
                .filter(field -> !Modifier.isStatic(field.getModifiers()))
                .map(Field::getName)
                .filter(name -> !BUILD_OPTIONS.contains(name))
                .toList();
        assertThat(properties).as("the fields of TidefallProperties.Options, against RuntimeOption")
                .containsExactlyElementsOf(CATALOGUE);
    }

    @ParameterizedTest
    @ValueSource(classes = { TidefallEndpoint.class, TidefallEndpointWebExtension.class })
    void theUpdateOperationTakesEveryOptionInTheCataloguesOrder(Class<?> endpoint) {
        Method operation = Arrays.stream(endpoint.getMethods())
                .filter(method -> method.getName().equals("updateOptions") && method.isAnnotationPresent(WriteOperation.class))
                .findFirst().orElseThrow();
        List<Parameter> fields = Arrays.stream(operation.getParameters())
                .filter(parameter -> !parameter.isAnnotationPresent(Selector.class))
                .toList();
        assertThat(fields).as("parameters of %s compiled with their names (-parameters)", operation)
                .allMatch(Parameter::isNamePresent);
        assertThat(fields).extracting(Parameter::getName).as("the parameters of %s, against RuntimeOption", operation)
                .containsExactlyElementsOf(CATALOGUE);
        assertThat(fields).extracting(Parameter::getType).as("parameter types of %s", operation)
                .allMatch(String.class::equals);
    }

    /** The property the entry reads is its own: bound from {@code <property>} and from nothing else. */
    @ParameterizedTest
    @EnumSource(RuntimeOption.class)
    void eachEntryReadsItsOwnProperty(RuntimeOption option) {
        Object engineDefault = option.read(BufferOptions.defaults());
        Options options = new Binder(new MapConfigurationPropertySource(Map.of("x." + option.property(), sample(engineDefault))))
                .bind("x", Bindable.of(Options.class)).get();
        for (RuntimeOption each : RuntimeOption.values()) {
            assertThat(options.option(each)).as("%s bound from x.%s", each, option.property())
                    .matches(value -> (value != null) == (each == option));
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

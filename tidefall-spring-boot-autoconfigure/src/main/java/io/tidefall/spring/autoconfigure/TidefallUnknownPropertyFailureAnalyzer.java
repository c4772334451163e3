package io.tidefall.spring.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;

import io.tidefall.spring.NameSuggestions;
import io.tidefall.spring.RuntimeOption;
import io.tidefall.spring.autoconfigure.TidefallProperties.Options;

/**
 * Reports a {@code tidefall.*} key that names nothing (a misspelt option, an option in the wrong
 * place) with the closest valid name, or the valid names where none is close:
 * {@code tidefall.buffers.events.procesing-interval} gets "did you mean
 * tidefall.buffers.events.processing-interval?". Spring Boot's own analysis says only that the
 * elements "were left unbound", under a line that names the binding target as {@code Bindable@...}.
 *
 * <p>The valid names are read from the shape of {@link TidefallProperties}, with the runtime
 * options of {@link RuntimeOption} beside the properties of every {@link Options}; they follow any
 * property added there. Ahead of Spring Boot's analyzers, which would also claim the failure.
 */
class TidefallUnknownPropertyFailureAnalyzer extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException>
        implements Ordered {

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("tidefall");

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    protected @Nullable FailureAnalysis analyze(Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
        List<ConfigurationProperty> unknown = cause.getUnboundProperties().stream()
                .filter(property -> ROOT.isAncestorOf(property.getName()))
                .toList();
        if (unknown.isEmpty()) {
            return null;
        }
        StringBuilder description = new StringBuilder(unknown.size() == 1
                ? "A Tidefall property has a name Tidefall does not know, so it was left unbound:\n"
                : "Tidefall properties have names Tidefall does not know, so they were left unbound:\n");
        List<String> actions = new ArrayList<>();
        for (ConfigurationProperty property : unknown) {
            Placement placement = Placement.of(property.getName());
            String name = written(property.getName());
            description.append("\n    Property: ").append(name)
                    .append("\n    Value: \"").append(property.getValue()).append('"');
            if (property.getOrigin() != null) {
                description.append("\n    Origin: ").append(property.getOrigin());
            }
            String suggestion = placement != null ? placement.suggestion() : null;
            if (suggestion != null) {
                description.append("\n    Did you mean: ").append(suggestion).append('?');
                actions.add("Rename " + name + " to " + suggestion + ".");
            } else if (placement != null) {
                actions.add("Remove " + name + ", or use one of the names that can stand there: "
                        + String.join(", ", placement.names()) + ".");
            } else {
                actions.add("Remove " + name + ": " + written(property.getName().getParent())
                        + " takes a single value, not keys or a list.");
            }
            description.append('\n');
        }
        return new FailureAnalysis(description.toString(), String.join("\n", actions), cause);
    }

    /** The name as the application wrote it ({@code retry_backof}), not in Spring Boot's canonical form. */
    static String written(ConfigurationPropertyName name) {
        StringBuilder written = new StringBuilder();
        for (int i = 0; i < name.getNumberOfElements(); i++) {
            String element = name.getElement(i, Form.ORIGINAL);
            written.append(name.isNumericIndex(i) ? "[" + element + "]" : (i == 0 ? "" : ".") + element);
        }
        return written.toString();
    }

    /**
     * Where an unknown name stands in {@link TidefallProperties}: the path that is known, the element
     * that is not, and the names that can stand there.
     */
    record Placement(String known, String unknown, List<String> names) {

        /** {@code null} when every element of {@code name} is known (a scalar given children or an index). */
        static @Nullable Placement of(ConfigurationPropertyName name) {
            Class<?> type = TidefallProperties.class;
            StringBuilder known = new StringBuilder("tidefall");
            for (int i = 1; i < name.getNumberOfElements(); i++) {
                String element = name.getElement(i, Form.ORIGINAL);
                List<String> names = names(type);
                ResolvableType next = names.isEmpty() ? null : child(type, name.getElement(i, Form.UNIFORM));
                if (next == null) {
                    return names.isEmpty() ? null : new Placement(known.toString(), element, names);
                }
                known.append('.').append(element);
                if (next.asMap() != ResolvableType.NONE) { // the next element is a key of the map, such as a buffer's name
                    i++;
                    if (i < name.getNumberOfElements()) {
                        known.append('.').append(name.getElement(i, Form.ORIGINAL));
                    }
                    next = next.asMap().getGeneric(1);
                }
                type = next.toClass();
            }
            return null;
        }

        /** The closest valid name, in full; {@code null} when none is close. */
        @Nullable String suggestion() {
            String closest = NameSuggestions.closest(this.unknown, this.names);
            return closest != null ? this.known + "." + closest : null;
        }

        /** The names a key can have under {@code type}, dashed; none for a value that takes no keys. */
        private static List<String> names(Class<?> type) {
            if (type.isEnum() || !type.getName().startsWith("io.tidefall.")) { // a value: String, Duration, Path, DataSize, an enum
                return List.of();
            }
            List<String> names = new ArrayList<>();
            for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
                if (property.getReadMethod() != null && !"class".equals(property.getName())) {
                    names.add(dashed(property.getName()));
                }
            }
            if (Options.class.isAssignableFrom(type)) {
                names.addAll(RuntimeOption.PROPERTIES);
            }
            return names;
        }

        /** The type of the property of {@code type} named {@code uniform}, or {@code null} when there is none. */
        private static @Nullable ResolvableType child(Class<?> type, String uniform) {
            if (Options.class.isAssignableFrom(type) && RuntimeOption.PROPERTIES.stream()
                    .anyMatch(option -> option.replace("-", "").equals(uniform))) {
                return ResolvableType.forClass(String.class);
            }
            for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
                if (property.getReadMethod() != null && property.getName().toLowerCase(Locale.ROOT).equals(uniform)) {
                    return ResolvableType.forMethodReturnType(property.getReadMethod());
                }
            }
            return null;
        }

        private static String dashed(String property) {
            return property.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
        }
    }
}

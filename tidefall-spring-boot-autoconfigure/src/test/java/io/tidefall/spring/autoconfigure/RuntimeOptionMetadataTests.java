package io.tidefall.spring.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.tidefall.spring.RuntimeOption;
import io.tidefall.spring.autoconfigure.TidefallProperties.BufferProperties;
import io.tidefall.spring.autoconfigure.TidefallProperties.Options;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata of the runtime options, {@code tidefall.defaults.<property>} and
 * {@code tidefall.buffers.*.<property>}, is generated from the {@link RuntimeOption} catalogue into
 * the committed {@code additional-spring-configuration-metadata.json}, which the configuration
 * processor merges into what IDEs read. {@code TidefallProperties} has no field per option, so
 * nothing else describes them.
 *
 * <p>When the file differs from the catalogue, this test rewrites it (every other entry is kept
 * as it is) and fails, naming the entries that were missing or different: run it once after
 * changing the catalogue, and commit the file.
 */
class RuntimeOptionMetadataTests {

    static final Path FILE = Path.of("src/main/resources/META-INF/additional-spring-configuration-metadata.json");

    @Test
    void theCommittedMetadataDescribesEveryRuntimeOptionAsTheCatalogueDoes() throws IOException {
        String committed = Files.readString(FILE, StandardCharsets.UTF_8);
        String generated = generate(committed);
        if (!generated.equals(committed)) {
            Files.writeString(FILE, generated, StandardCharsets.UTF_8);
        }
        assertThat(differences(committed)).as("entries of %s, against RuntimeOption; the file has been rewritten: "
                + "rebuild, check the diff and commit it", FILE).isEmpty();
        assertThat(generated).as("%s, as generated from RuntimeOption", FILE).isEqualTo(committed);
    }

    /** The entries the catalogue asks for, with the rest of {@code committed} as it is. */
    static String generate(String committed) {
        Map<String, Object> metadata = read(committed);
        List<Object> properties = new ArrayList<>();
        for (Object property : (List<?>) metadata.get("properties")) {
            if (!isRuntimeOption((Map<?, ?>) property)) {
                properties.add(property);
            }
        }
        properties.addAll(entries());
        metadata.put("properties", properties);
        return Json.write(metadata) + "\n";
    }

    /** Each option's two entries, in the catalogue's order. */
    static List<Map<String, Object>> entries() {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (RuntimeOption option : RuntimeOption.values()) {
            String defaultText = option.defaultText();
            Map<String, Object> defaults = new LinkedHashMap<>();
            defaults.put("name", "tidefall.defaults." + option.property());
            defaults.put("type", option.type().getName());
            defaults.put("description", option.description());
            defaults.put("sourceType", Options.class.getName());
            if (defaultText != null) {
                defaults.put("defaultValue", defaultText);
            }
            entries.add(defaults);
            Map<String, Object> perBuffer = new LinkedHashMap<>();
            perBuffer.put("name", "tidefall.buffers.*." + option.property());
            perBuffer.put("type", option.type().getName());
            perBuffer.put("description", option.description() + " Falls back to tidefall.defaults." + option.property()
                    + (defaultText != null ? ", then to " + defaultText + "." : "."));
            perBuffer.put("sourceType", BufferProperties.class.getName());
            entries.add(perBuffer);
        }
        return entries;
    }

    private static List<String> differences(String committed) {
        Set<Object> present = ((List<?>) read(committed).get("properties")).stream().collect(Collectors.toSet());
        return entries().stream().filter(entry -> !present.contains(entry))
                .map(entry -> entry.get("name") + " (expected " + Json.write(entry).replaceAll("\\s+", " ") + ")")
                .toList();
    }

    private static boolean isRuntimeOption(Map<?, ?> property) {
        String name = (String) property.get("name");
        return RuntimeOption.PROPERTIES.stream().anyMatch(option -> name.equals("tidefall.defaults." + option)
                || name.equals("tidefall.buffers.*." + option));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(String json) {
        return JsonMapper.builder().build().readValue(json, LinkedHashMap.class);
    }

    /** JSON as the file is written by hand: two spaces of indent, one entry per line. */
    static final class Json {

        private Json() {
        }

        static String write(Object value) {
            StringBuilder out = new StringBuilder();
            write(value, "", out);
            return out.toString();
        }

        private static void write(Object value, String indent, StringBuilder out) {
            if (value instanceof Map<?, ?> map) {
                if (map.isEmpty()) {
                    out.append("{}");
                    return;
                }
                out.append("{\n");
                int i = 0;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    out.append(indent).append("  ").append(quote(String.valueOf(entry.getKey()))).append(": ");
                    write(entry.getValue(), indent + "  ", out);
                    out.append(++i < map.size() ? ",\n" : "\n");
                }
                out.append(indent).append('}');
            } else if (value instanceof List<?> list) {
                if (list.isEmpty()) {
                    out.append("[]");
                    return;
                }
                out.append("[\n");
                for (int i = 0; i < list.size(); i++) {
                    out.append(indent).append("  ");
                    write(list.get(i), indent + "  ", out);
                    out.append(i + 1 < list.size() ? ",\n" : "\n");
                }
                out.append(indent).append(']');
            } else if (value instanceof String text) {
                out.append(quote(text));
            } else {
                out.append(value);
            }
        }

        private static String quote(String text) {
            StringBuilder quoted = new StringBuilder("\"");
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '"' -> quoted.append("\\\"");
                    case '\\' -> quoted.append("\\\\");
                    case '\n' -> quoted.append("\\n");
                    default -> quoted.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
                }
            }
            return quoted.append('"').toString();
        }
    }
}

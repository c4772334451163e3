package io.tidefall.spring.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import io.tidefall.BufferOptions;
import io.tidefall.InvalidOptionException;
import io.tidefall.spring.NameSuggestions;
import io.tidefall.spring.RuntimeOption;

/**
 * A partial change of a buffer's options, as written to the endpoint: a map of option names
 * ({@link RuntimeOption#field()}) to texts, each parsed and checked on its own so that a mistake is
 * reported with the field and the value as the client wrote them ({@code -5s}, not {@code PT-5S}).
 *
 * <p>{@link #apply(BufferOptions)} is a pure function of the current options, suitable for
 * {@code Buffer.updateOptions}: the engine applies it atomically, and validates the result as a
 * whole.
 */
public final class OptionsUpdate implements UnaryOperator<BufferOptions> {

    private final List<Change> changes;

    private OptionsUpdate(List<Change> changes) {
        this.changes = changes;
    }

    /**
     * Parses the fields of an update; a field whose value is {@code null} leaves its option as it is.
     * A value that is not text (a number or a list from a query string) is read as its text.
     *
     * @throws IllegalArgumentException naming the fields that are no option, with the closest
     *     option when one is near, before any value is parsed
     * @throws InvalidOptionException naming the first field whose value cannot be used, with the
     *     value as the client wrote it; {@link #message(InvalidOptionException)} says it in words
     */
    public static OptionsUpdate parse(Map<String, ? extends @Nullable Object> fields) {
        List<String> unknown = fields.keySet().stream().filter(field -> RuntimeOption.ofField(field) == null).sorted().toList();
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(unknownFields(unknown));
        }
        List<Change> changes = new ArrayList<>();
        for (RuntimeOption option : RuntimeOption.values()) { // in the catalogue's order, whatever the request's
            Object value = fields.get(option.field());
            if (value != null) {
                String text = String.valueOf(value);
                changes.add(new Change(option, option.parse(text), text));
            }
        }
        OptionsUpdate update = new OptionsUpdate(List.copyOf(changes));
        update.changes.forEach(Change::check);
        return update;
    }

    /** "Unknown field 'colour': the fields are ... Nothing was changed.", with a suggestion for a slip. */
    static String unknownFields(List<String> unknown) {
        StringBuilder message = new StringBuilder(unknown.size() == 1 ? "Unknown field " : "Unknown fields ");
        for (int i = 0; i < unknown.size(); i++) {
            String field = unknown.get(i);
            message.append(i == 0 ? "" : ", ").append(InvalidOptionException.show(field));
            String closest = NameSuggestions.closest(field, RuntimeOption.FIELDS);
            if (closest != null) {
                message.append(" (did you mean ").append(closest).append("?)");
            }
        }
        return message.append(": the fields are ").append(String.join(", ", RuntimeOption.FIELDS))
                .append(". Nothing was changed.").toString();
    }

    /** Whether the update names no option at all. */
    public boolean isEmpty() {
        return this.changes.isEmpty();
    }

    @Override
    public BufferOptions apply(BufferOptions options) {
        BufferOptions.Builder builder = options.toBuilder();
        for (Change change : this.changes) {
            change.option().set(builder, change.value());
        }
        return builder.build();
    }

    /** What the endpoint answers: {@code processingInterval '-5s' is invalid: it must be a positive duration}. */
    static String message(InvalidOptionException invalid) {
        return invalid.option() + " " + InvalidOptionException.show(invalid.value()) + " is invalid: it " + invalid.requirement();
    }

    /** One field of the update: its option, the parsed value, and the text as the client wrote it. */
    private record Change(RuntimeOption option, @Nullable Object value, String text) {

        /**
         * Checks the value on its own, on a throwaway copy of the defaults: a value the engine
         * refuses is reported under its field with the text as written, not as the engine shows it.
         */
        void check() {
            try {
                this.option.apply(BufferOptions.defaults(), this.value);
            } catch (InvalidOptionException invalid) {
                throw new InvalidOptionException(this.option.field(), invalid.requirement(), this.text);
            }
        }
    }
}

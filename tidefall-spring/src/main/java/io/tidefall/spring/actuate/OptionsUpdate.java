package io.tidefall.spring.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import io.tidefall.BufferOptions;
import io.tidefall.InvalidOptionException;
import io.tidefall.spring.RuntimeOption;

/**
 * A partial change of a buffer's options, as written to the endpoint: every field is optional text,
 * parsed and checked on its own so that a mistake is reported with the field and the value as the
 * client wrote them ({@code -5s}, not {@code PT-5S}).
 *
 * <p>{@link #apply(BufferOptions)} is a pure function of the current options, suitable for
 * {@code Buffer.updateOptions}: the engine applies it atomically, and validates the result as a
 * whole.
 */
public final class OptionsUpdate implements UnaryOperator<BufferOptions> {

    private final List<UnaryOperator<BufferOptions>> changes;

    private OptionsUpdate(List<UnaryOperator<BufferOptions>> changes) {
        this.changes = changes;
    }

    /**
     * Parses the fields of an update; {@code null} leaves an option as it is.
     *
     * @param fields one text per {@link RuntimeOption}, in the catalogue's order, as the
     *     {@code updateOptions} operations declare their parameters
     * @throws InvalidOptionException naming the first field whose value cannot be used, with the
     *     value as the client wrote it; {@link #message(InvalidOptionException)} says it in words
     */
    public static OptionsUpdate parse(@Nullable String... fields) {
        RuntimeOption[] options = RuntimeOption.values();
        if (fields.length != options.length) {
            throw new IllegalArgumentException("Expected " + options.length + " fields, one per option, but got " + fields.length);
        }
        List<UnaryOperator<BufferOptions>> changes = new ArrayList<>();
        for (int i = 0; i < options.length; i++) {
            String text = fields[i];
            if (text != null) {
                changes.add(change(options[i], text));
            }
        }
        OptionsUpdate update = new OptionsUpdate(List.copyOf(changes));
        update.apply(BufferOptions.defaults()); // each field on its own, so that a bad value is reported as written
        return update;
    }

    private static UnaryOperator<BufferOptions> change(RuntimeOption option, String text) {
        Object value = option.parse(text);
        return options -> {
            try {
                return option.apply(options, value);
            } catch (InvalidOptionException invalid) {
                throw new InvalidOptionException(option.field(), invalid.requirement(), text);
            }
        };
    }

    /** Whether the update names no option at all. */
    public boolean isEmpty() {
        return this.changes.isEmpty();
    }

    @Override
    public BufferOptions apply(BufferOptions options) {
        BufferOptions result = options;
        for (UnaryOperator<BufferOptions> change : this.changes) {
            result = change.apply(result);
        }
        return result;
    }

    /** What the endpoint answers: {@code processingInterval '-5s' is invalid: it must be a positive duration}. */
    static String message(InvalidOptionException invalid) {
        return invalid.option() + " " + InvalidOptionException.show(invalid.value()) + " is invalid: it " + invalid.requirement();
    }
}

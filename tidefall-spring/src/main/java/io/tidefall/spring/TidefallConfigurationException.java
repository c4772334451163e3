package io.tidefall.spring;

import org.jspecify.annotations.Nullable;

/**
 * Tidefall is configured in a way it cannot start with. The message names the buffer (when one is
 * concerned), the property and its value, and says what to do;
 * the starter's {@code TidefallConfigurationFailureAnalyzer} reports it at startup.
 */
public class TidefallConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final @Nullable String buffer;
    private final String description;
    private final String action;

    /**
     * @param buffer the buffer concerned, or {@code null} for a setting of all buffers
     * @param description what is wrong, naming the property and the value
     * @param action what to do about it
     */
    public TidefallConfigurationException(@Nullable String buffer, String description, String action) {
        super(description + " " + action);
        this.buffer = buffer;
        this.description = description;
        this.action = action;
    }

    /** The buffer concerned, or {@code null} for a setting of all buffers. */
    public @Nullable String getBuffer() {
        return this.buffer;
    }

    /** What is wrong, naming the property and the value. */
    public String getDescription() {
        return this.description;
    }

    /** What to do about it. */
    public String getAction() {
        return this.action;
    }
}

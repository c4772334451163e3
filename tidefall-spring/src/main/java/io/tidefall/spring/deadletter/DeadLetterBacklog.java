package io.tidefall.spring.deadletter;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The dead letters waiting for one buffer: what health, the endpoint and the meters show while
 * they wait to be healed.
 *
 * @param buffer the buffer's name
 * @param count elements stored
 * @param oldest when the oldest stored batch was written, or {@code null} when none is stored
 * @param lastProbe what the last probe of the buffer's sink found, or {@code null} before the first
 */
public record DeadLetterBacklog(String buffer, long count, @Nullable Instant oldest, @Nullable Probe lastProbe) {

    /** Whether elements wait. */
    public boolean pending() {
        return this.count > 0;
    }

    /**
     * One probe of a buffer's sink by the {@link DeadLetterHealer}.
     *
     * @param at when it was decided
     * @param outcome what it found, in words: {@code probing}, {@code delivered} or {@code failed}, and why
     * @param next when the next probe may run, or {@code null} when none is due (nothing waits)
     */
    public record Probe(Instant at, String outcome, @Nullable Instant next) {
    }
}

package io.tidefall.sample;

import java.util.Objects;

/**
 * A user's presence as of one heartbeat. {@code at} (epoch milliseconds) is also the version the
 * heartbeat is buffered with, so that the newest heartbeat wins.
 *
 * @param status what the user's client reported, e.g. {@code online}
 * @param at when the client sent the heartbeat, epoch milliseconds
 */
public record Presence(String status, long at) {

    public Presence {
        Objects.requireNonNull(status, "status");
    }
}

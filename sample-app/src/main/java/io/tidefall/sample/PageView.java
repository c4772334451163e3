package io.tidefall.sample;

import java.time.Instant;
import java.util.Objects;

/**
 * One page view, as accepted by {@code POST /events}.
 *
 * @param user who viewed the page
 * @param path which page
 * @param receivedAt when the service accepted it
 */
public record PageView(String user, String path, Instant receivedAt) {

    public PageView {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }
}

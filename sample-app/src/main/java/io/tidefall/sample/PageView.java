package io.tidefall.sample;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One page view, as accepted by {@code POST /events}.
 *
 * @param id given when the service accepts the page view, before it is buffered: the row's key,
 *     so that a page view delivered twice (a retried batch whose first attempt was committed, or a
 *     replayed dead letter) is stored once
 * @param user who viewed the page
 * @param path which page
 * @param receivedAt when the service accepted it
 */
public record PageView(UUID id, String user, String path, Instant receivedAt) {

    public PageView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** A page view accepted now, with a new id. */
    static PageView accepted(String user, String path, Instant receivedAt) {
        return new PageView(UUID.randomUUID(), user, path, receivedAt);
    }
}

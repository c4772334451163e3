package io.tidefall.sample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.tidefall.BufferFullException;
import io.tidefall.TidefallHashMap;
import io.tidefall.TidefallQueue;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP API. Writes only buffer and answer 202: the buffers' processors write to the database
 * within a processing interval. Every request is validated as a whole before anything of it is
 * buffered, so a bad request (400, with a message naming the field) leaves no trace. When a
 * buffer is at its {@code capacity} for longer than its {@code max-block}, the answer is 503 with
 * {@code Retry-After} and says what was accepted.
 */
@RestController
@ConditionalOnProperty(name = IngestionMode.PROPERTY, havingValue = IngestionMode.BUFFERED, matchIfMissing = true)
public class IngestionController {

    /** Longest values the columns in {@code schema.sql} hold. */
    static final int MAX_USER = 100;
    static final int MAX_PATH = 2048;
    static final int MAX_STATUS = 32;
    /** Most page views one {@code POST /events} may carry. */
    static final int MAX_EVENTS_PER_REQUEST = 10_000;

    private static final String EPOCH_MILLIS = "a whole number of milliseconds since the epoch, 0 or more";

    private final TidefallQueue<PageView> events;
    private final TidefallHashMap<String, Presence> presence;
    private final PageViewStore pageViews;
    private final PresenceStore presenceStore;

    public IngestionController(@Qualifier("events") TidefallQueue<PageView> events,
            @Qualifier("presence") TidefallHashMap<String, Presence> presence, PageViewStore pageViews,
            PresenceStore presenceStore) {
        this.events = events;
        this.presence = presence;
        this.pageViews = pageViews;
        this.presenceStore = presenceStore;
    }

    /** One page view {@code {"user":"u1","path":"/home"}}, or a JSON array of them. */
    @PostMapping("/events")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, Integer> postEvents(@RequestBody JsonNode body) {
        Instant now = Instant.now();
        List<PageView> views = new ArrayList<>();
        if (body.isArray()) {
            if (body.size() > MAX_EVENTS_PER_REQUEST) {
                throw new InvalidRequestException("the array holds " + body.size() + " page views: at most "
                        + MAX_EVENTS_PER_REQUEST + " are allowed per request");
            }
            for (int i = 0; i < body.size(); i++) {
                views.add(pageView(body.get(i), "[" + i + "].", now));
            }
        } else {
            views.add(pageView(body, "", now));
        }
        int accepted = 0;
        try {
            for (PageView view : views) {
                this.events.push(view);
                accepted++;
            }
        } catch (BufferFullException full) {
            throw new BufferFull("the page views buffer is full: accepted the first " + accepted + " of "
                    + views.size() + " page views; send the rest again later", Map.of("accepted", accepted));
        }
        return Map.of("accepted", accepted);
    }

    private static PageView pageView(JsonNode node, String where, Instant now) {
        RequestFields.object(node, where.isEmpty() ? "the body (a page view or an array of them)" : where.substring(0, where.length() - 1));
        String user = RequestFields.text(node, where, "user", MAX_USER);
        String path = RequestFields.text(node, where, "path", MAX_PATH);
        return PageView.accepted(user, path, now);
    }

    /**
     * A heartbeat {@code {"status":"online","at":1732600000000}}. Buffered with {@code at} as its
     * version: of the heartbeats one drain holds for a user, the newest wins, and the upsert keeps
     * the database row from going back in time across drains. {@code buffered} is false when the
     * buffer already holds a heartbeat of this user that is as new or newer.
     */
    @PutMapping("/presence/{user}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, Boolean> putPresence(@PathVariable String user, @RequestBody JsonNode body) {
        RequestFields.pathValue(user, "user", MAX_USER);
        RequestFields.object(body, "the body");
        String status = RequestFields.text(body, "", "status", MAX_STATUS);
        long at = RequestFields.wholeNumber(body, "", "at", EPOCH_MILLIS);
        try {
            boolean buffered = this.presence.putNewer(user, new Presence(status, at), at);
            return Map.of("buffered", buffered);
        } catch (BufferFullException full) {
            throw new BufferFull("the presence buffer is full: the heartbeat was not accepted; send it again later",
                    Map.of("buffered", false));
        }
    }

    /** The stored row {@code {"user","status","at"}}, or 404 when none of the user's heartbeats is stored yet. */
    @GetMapping("/presence/{user}")
    public ResponseEntity<PresenceStore.PresenceView> getPresence(@PathVariable String user) {
        return ResponseEntity.of(this.presenceStore.find(user));
    }

    /** Rows in the two tables. */
    @GetMapping("/stats")
    public Stats stats() {
        return new Stats(this.pageViews.count(), this.presenceStore.count());
    }

    /** A write the buffer refused because it is full; answered with 503 by {@link ApiErrors}. */
    static class BufferFull extends RuntimeException {

        private static final long serialVersionUID = 1L;

        final transient Map<String, ?> outcome;

        BufferFull(String message, Map<String, ?> outcome) {
            super(message);
            this.outcome = outcome;
        }
    }

    /** The answer of {@code GET /stats}. */
    public record Stats(long pageViews, long users) {
    }
}

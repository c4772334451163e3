package io.tidefall.sample;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.tidefall.TidefallHashMap;
import tools.jackson.databind.JsonNode;

/**
 * The same HTTP API without a buffer, as a service without Tidefall writes: each request stores its
 * page views (one transaction, one insert per page view) or upserts its heartbeat (one transaction)
 * before it answers {@code 200}. Active with {@code sample.ingestion=direct}, in place of
 * {@link IngestionController}; it exists so that the end-to-end benchmark can measure both ways of
 * writing on the same service, database and load.
 */
@RestController
@ConditionalOnProperty(name = IngestionMode.PROPERTY, havingValue = IngestionMode.DIRECT)
public class DirectIngestionController {

    private final PageViewStore pageViews;
    private final PresenceStore presenceStore;

    public DirectIngestionController(PageViewStore pageViews, PresenceStore presenceStore) {
        this.pageViews = pageViews;
        this.presenceStore = presenceStore;
    }

    /** One page view {@code {"user":"u1","path":"/home"}}, or a JSON array of them, stored before the answer. */
    @PostMapping("/events")
    public Map<String, Integer> postEvents(@RequestBody JsonNode body) {
        Instant now = Instant.now();
        List<PageView> views = new ArrayList<>();
        if (body.isArray()) {
            if (body.size() > IngestionController.MAX_EVENTS_PER_REQUEST) {
                throw new InvalidRequestException("the array holds " + body.size() + " page views: at most "
                        + IngestionController.MAX_EVENTS_PER_REQUEST + " are allowed per request");
            }
            for (int i = 0; i < body.size(); i++) {
                views.add(pageView(body.get(i), "[" + i + "].", now));
            }
        } else {
            views.add(pageView(body, "", now));
        }
        this.pageViews.insertAll(views);
        return Map.of("stored", views.size());
    }

    private static PageView pageView(JsonNode node, String where, Instant now) {
        RequestFields.object(node, where.isEmpty() ? "the body (a page view or an array of them)"
                : where.substring(0, where.length() - 1));
        return PageView.accepted(RequestFields.text(node, where, "user", IngestionController.MAX_USER),
                RequestFields.text(node, where, "path", IngestionController.MAX_PATH), now);
    }

    /** A heartbeat {@code {"status":"online","at":1732600000000}}, upserted before the answer. */
    @PutMapping("/presence/{user}")
    public Map<String, Boolean> putPresence(@PathVariable String user, @RequestBody JsonNode body) {
        RequestFields.pathValue(user, "user", IngestionController.MAX_USER);
        RequestFields.object(body, "the body");
        String status = RequestFields.text(body, "", "status", IngestionController.MAX_STATUS);
        long at = RequestFields.wholeNumber(body, "", "at",
                "a whole number of milliseconds since the epoch, 0 or more");
        this.presenceStore.upsertAll(List.of(new TidefallHashMap.Entry<>(user, new Presence(status, at), at, 0)));
        return Map.of("stored", true);
    }

    /** The stored row {@code {"user","status","at"}}, or 404 when none of the user's heartbeats is stored yet. */
    @GetMapping("/presence/{user}")
    public ResponseEntity<PresenceStore.PresenceView> getPresence(@PathVariable String user) {
        return ResponseEntity.of(this.presenceStore.find(user));
    }

    /** Rows in the two tables. */
    @GetMapping("/stats")
    public IngestionController.Stats stats() {
        return new IngestionController.Stats(this.pageViews.count(), this.presenceStore.count());
    }
}

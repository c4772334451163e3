package io.tidefall.sample;

import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

import io.tidefall.TidefallHashMap;

/** The {@code user_presence} table: one row per user, holding the newest heartbeat stored so far. */
@Repository
public class PresenceStore {

    /**
     * One standard SQL {@code MERGE} (H2 2.x, PostgreSQL 15 and newer). The version guard is part of
     * the statement ({@code when matched and h.seen_at > p.seen_at}): a row is only ever replaced by a
     * strictly newer heartbeat, so a drain that carries an older one (the buffer keeps the newest
     * heartbeat per user within one drain, not across drains) can never overwrite a newer row.
     */
    static final String UPSERT = """
            merge into user_presence p
            using (values (cast(? as varchar(100)), cast(? as varchar(32)), cast(? as bigint))) as h (user_id, status, seen_at)
            on p.user_id = h.user_id
            when matched and h.seen_at > p.seen_at then
                update set status = h.status, seen_at = h.seen_at, updated_at = current_timestamp
            when not matched then
                insert (user_id, status, seen_at, updated_at) values (h.user_id, h.status, h.seen_at, current_timestamp)
            """;

    private final JdbcTemplate jdbc;

    public PresenceStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Upserts the newest heartbeat of each user in one drain of the buffer {@code presence}
     * ({@link PresenceWriter}), with one JDBC batch statement: a thousand heartbeats of one user
     * within an interval become one row write. The buffer is configured with
     * {@code processing-batch-size: table}, so this gets the whole drained table of one partition at once.
     */
    @Transactional
    public void upsertAll(List<TidefallHashMap.Entry<String, Presence>> entries) {
        if (entries.isEmpty()) {
            return;
        }
        this.jdbc.batchUpdate(UPSERT, entries, entries.size(), (statement, entry) -> {
            statement.setString(1, entry.key());
            statement.setString(2, entry.value().status());
            statement.setLong(3, entry.value().at());
        });
    }

    /** The stored presence of {@code user}, if any heartbeat of theirs has reached the database. */
    public Optional<PresenceView> find(String user) {
        return this.jdbc.query("select user_id, status, seen_at from user_presence where user_id = ?",
                (row, n) -> new PresenceView(row.getString(1), row.getString(2), row.getLong(3)), user)
                .stream().findFirst();
    }

    public long count() {
        Long count = this.jdbc.queryForObject("select count(*) from user_presence", Long.class);
        return count == null ? 0 : count;
    }

    /** A row of {@code user_presence}, as {@code GET /presence/{user}} answers it. */
    public record PresenceView(String user, String status, long at) {
    }
}

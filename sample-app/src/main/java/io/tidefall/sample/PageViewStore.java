package io.tidefall.sample;

import java.time.ZoneOffset;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The {@code page_views} table. */
@Repository
public class PageViewStore {

    /**
     * Inserts a page view unless its id is stored already: one standard SQL {@code MERGE} for H2 2.x
     * and PostgreSQL 15 or newer. Delivery is at least once (a batch is retried when its commit may
     * or may not have happened, and dead letters are replayed), so the insert must be idempotent.
     * Each id is in one batch at a time, and a partition has at most one batch at the database at a
     * time, so two transactions never insert the same id concurrently (which PostgreSQL's
     * {@code MERGE}, unlike {@code insert ... on conflict do nothing}, would report as a unique
     * violation).
     */
    static final String INSERT = """
            merge into page_views p
            using (values (cast(? as uuid), cast(? as varchar(100)), cast(? as varchar(2048)), cast(? as timestamp with time zone)))
                as v (id, user_id, path, received_at)
            on p.id = v.id
            when not matched then
                insert (id, user_id, path, received_at) values (v.id, v.user_id, v.path, v.received_at)
            """;

    private final JdbcTemplate jdbc;

    public PageViewStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts {@code views} with one JDBC batch statement, for the direct mode ({@link DirectIngestionController}),
     * which stores each request's page views before it answers. The buffer {@code events} writes the
     * same statement with its {@code sink.jdbc} (application.yml), with no code of the application's.
     */
    @Transactional
    public void insertAll(List<PageView> views) {
        if (views.isEmpty()) {
            return;
        }
        this.jdbc.batchUpdate(INSERT, views, views.size(), (statement, view) -> {
            statement.setObject(1, view.id());
            statement.setString(2, view.user());
            statement.setString(3, view.path());
            statement.setObject(4, view.receivedAt().atOffset(ZoneOffset.UTC));
        });
    }

    public long count() {
        Long count = this.jdbc.queryForObject("select count(*) from page_views", Long.class);
        return count == null ? 0 : count;
    }
}

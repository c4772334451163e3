package io.tidefall.sample;

import java.time.ZoneOffset;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The {@code page_views} table. */
@Repository
public class PageViewStore {

    private static final String INSERT = "insert into page_views (user_id, path, received_at) values (?, ?, ?)";

    private final JdbcTemplate jdbc;

    public PageViewStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts {@code views} with one JDBC batch statement. This is the processor of the buffer
     * {@code events} (see {@link SampleConfiguration}); each call gets one chunk of at most
     * {@code processing-batch-size} page views.
     */
    @Transactional // all or nothing, so that a retried chunk (processing-retries) is never stored twice
    public void insertAll(List<PageView> views) {
        if (views.isEmpty()) {
            return;
        }
        this.jdbc.batchUpdate(INSERT, views, views.size(), (statement, view) -> {
            statement.setString(1, view.user());
            statement.setString(2, view.path());
            statement.setObject(3, view.receivedAt().atOffset(ZoneOffset.UTC));
        });
    }

    public long count() {
        Long count = this.jdbc.queryForObject("select count(*) from page_views", Long.class);
        return count == null ? 0 : count;
    }
}

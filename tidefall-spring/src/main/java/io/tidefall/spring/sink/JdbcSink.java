package io.tidefall.spring.sink;

import java.util.List;

import javax.sql.DataSource;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code sink.jdbc}: one JDBC batch statement per chunk, in one transaction of its own. Its failures
 * are Spring's data-access exceptions, which the starter's retry policy classifies.
 *
 * <p>Thread-safe: the buffer's partitions call it concurrently. Its fields are final and set at
 * startup; each call's parameters and transaction are its own.
 */
final class JdbcSink implements Sink {

    private final String sql;
    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final String description;

    JdbcSink(String sql, DataSource dataSource, String description) {
        this.sql = sql;
        this.jdbc = new NamedParameterJdbcTemplate(dataSource);
        // Translates a failed commit into a data-access exception too, not only the statement's failures.
        this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
        this.description = description;
    }

    @Override
    public void process(List<Object> batch) {
        SqlParameterSource[] parameters = new SqlParameterSource[batch.size()];
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = ElementParameterSource.of(batch.get(i));
        }
        this.transactions.executeWithoutResult(status -> this.jdbc.batchUpdate(this.sql, parameters));
    }

    @Override
    public String toString() {
        return this.description;
    }
}

package io.tidefall.spring.retry;

import java.io.IOException;
import java.net.ConnectException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.jdbc.BadSqlGrammarException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

import static org.assertj.core.api.Assertions.assertThat;

class DataAccessRetryPolicyTests {

    private final DataAccessRetryPolicy policy = new DataAccessRetryPolicy();

    @Test
    void transientAndRecoverableFailuresAreRetried() {
        assertThat(this.policy.isRetryable(new QueryTimeoutException("slow"))).isTrue();
        assertThat(this.policy.isRetryable(new TransientDataAccessResourceException("busy"))).isTrue();
        assertThat(this.policy.isRetryable(new CannotAcquireLockException("lock"))).isTrue();
        assertThat(this.policy.isRetryable(new RecoverableDataAccessException("reconnect"))).isTrue();
    }

    @Test
    void aDatabaseThatCannotBeReachedIsRetriedThoughSpringCallsItNonTransient() {
        SQLException refused = new SQLException("Connection to 127.0.0.1:5432 refused", "08001", new ConnectException("refused"));
        assertThat(this.policy.isRetryable(new CannotGetJdbcConnectionException("no connection", refused))).isTrue();
        // What @Transactional throws when the transaction manager cannot get a connection:
        assertThat(this.policy.isRetryable(new CannotCreateTransactionException("no transaction",
                new CannotGetJdbcConnectionException("no connection", refused)))).isTrue();
        assertThat(this.policy.isRetryable(new TransactionSystemException("commit failed", refused))).isTrue();
    }

    @Test
    void permanentFailuresAreNotRetried() {
        assertThat(this.policy.isRetryable(new DataIntegrityViolationException("null value in column"))).isFalse();
        assertThat(this.policy.isRetryable(new DuplicateKeyException("duplicate key"))).isFalse();
        assertThat(this.policy.isRetryable(new BadSqlGrammarException("insert", "insert into nope", new SQLException("syntax", "42601"))))
                .isFalse();
        assertThat(this.policy.isRetryable(new OutOfMemoryError("heap"))).isFalse();
    }

    @Test
    void rawJdbcFailuresAreClassifiedBySqlState() {
        assertThat(this.policy.isRetryable(new SQLTransientConnectionException("gone"))).isTrue();
        assertThat(this.policy.isRetryable(new SQLException("terminating connection due to administrator command", "57P01"))).isTrue();
        assertThat(this.policy.isRetryable(new SQLException("could not serialize access", "40001"))).isTrue();
        assertThat(this.policy.isRetryable(new SQLIntegrityConstraintViolationException("duplicate", "23505"))).isFalse();
        assertThat(this.policy.isRetryable(new BatchUpdateException("value too long", "22001", new int[0]))).isFalse();
    }

    @Test
    void anUncategorizedFailureIsDecidedByItsCause() {
        assertThat(this.policy.isRetryable(new UncategorizedSQLException("insert", "insert", new SQLException("closed", "08003"))))
                .isTrue();
        assertThat(this.policy.isRetryable(new UncategorizedSQLException("insert", "insert", new SQLException("check", "23514"))))
                .isFalse();
    }

    @Test
    void theOutermostFailureThatSaysSomethingDecides() {
        // A constraint violation reported while the connection was being closed is still a constraint violation.
        assertThat(this.policy.isRetryable(new DataIntegrityViolationException("duplicate", new IOException("socket closed"))))
                .isFalse();
        assertThat(this.policy.isRetryable(new RuntimeException("wrapped", new DuplicateKeyException("duplicate")))).isFalse();
        assertThat(this.policy.isRetryable(new IllegalStateException("wrapped", new ConnectException("refused")))).isTrue();
    }

    @Test
    void whatNothingClassifiesIsRetriedUntilTheDeadline() {
        assertThat(this.policy.isRetryable(new IllegalStateException("something else"))).isTrue();
        assertThat(this.policy.isRetryable(new SQLException("no state"))).isTrue();
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);
        assertThat(this.policy.isRetryable(first)).isTrue();
    }
}

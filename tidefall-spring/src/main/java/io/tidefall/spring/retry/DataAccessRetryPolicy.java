package io.tidefall.spring.retry;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.dao.UncategorizedDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.TransactionTimedOutException;

import io.tidefall.RetryPolicy;

/**
 * Tells a database outage (retried until the buffer's delivery deadline) from a chunk the database
 * will never accept (not retried, so that the engine narrows it down to the poison elements), with
 * Spring's data-access exception hierarchy.
 *
 * <p>The cause chain is read from the outside in, and the first exception that says something
 * decides:
 * <ul>
 * <li>retried: {@link TransientDataAccessException} (query timeout, deadlock, lock and
 * serialization failures), {@link RecoverableDataAccessException},
 * {@link DataAccessResourceFailureException} (such as {@code CannotGetJdbcConnectionException}:
 * non-transient by Spring's types, but a database that cannot be reached now is exactly what a
 * write-behind buffer rides out), {@link CannotCreateTransactionException} (what
 * {@code @Transactional} throws without a connection), {@link TransactionSystemException} and
 * {@link TransactionTimedOutException}; from JDBC, {@link SQLTransientException},
 * {@link SQLRecoverableException}, {@link SQLNonTransientConnectionException} and SQL states of
 * the classes 08 (connection), 40 (transaction rollback), 53 (insufficient resources) and 57
 * (operator intervention, such as a server shutting down); any {@link IOException};</li>
 * <li>not retried: any other {@link NonTransientDataAccessException} (such as
 * {@code DataIntegrityViolationException} or {@code BadSqlGrammarException}) and SQL states of the
 * classes 22 (data), 23 (integrity constraint) and 42 (syntax or access rule), and an
 * {@link Error} anywhere outside;</li>
 * <li>{@link UncategorizedDataAccessException} says nothing by itself: its cause decides.</li>
 * </ul>
 * A failure nothing in the chain classifies is retried: the delivery deadline bounds it, and an
 * unknown failure is more often an outage than a poison element.
 *
 * <p>Why not Spring Framework 7's {@code org.springframework.core.retry.RetryPolicy}: its
 * {@code includes}/{@code excludes} match every cause of a failure and let any exclusion win, so
 * excluding {@code NonTransientDataAccessException} would also refuse
 * {@code CannotGetJdbcConnectionException}, and the order in which a chain says what it is
 * (outermost first) cannot be expressed; and its {@code RetryTemplate} sleeps on the calling
 * thread between attempts, while a buffer waits for its next attempt without holding a thread.
 * The engine's backoff (retryBackoff to retryBackoffMax, with jitter, until deliveryTimeout) plays
 * that part.
 */
public final class DataAccessRetryPolicy implements RetryPolicy {

    /** Limits the walk along a cause chain that loops back on itself. */
    private static final int MAX_CAUSES = 32;

    /** Whether a chunk whose processor call threw {@code failure} is worth offering again. */
    @Override
    public boolean isRetryable(Throwable failure) {
        if (failure instanceof Error) {
            return false;
        }
        Throwable current = failure;
        for (int depth = 0; current != null && depth < MAX_CAUSES; depth++) {
            Boolean verdict = classify(current);
            if (verdict != null) {
                return verdict;
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return true;
    }

    /** {@code true} retry, {@code false} do not, {@code null} when this exception says nothing. */
    private static @Nullable Boolean classify(Throwable failure) {
        if (failure instanceof TransientDataAccessException || failure instanceof RecoverableDataAccessException
                || failure instanceof DataAccessResourceFailureException || failure instanceof CannotCreateTransactionException
                || failure instanceof TransactionSystemException || failure instanceof TransactionTimedOutException) {
            return true;
        }
        if (failure instanceof UncategorizedDataAccessException) {
            return null;
        }
        if (failure instanceof NonTransientDataAccessException) {
            return false;
        }
        if (failure instanceof SQLException sql) {
            return classify(sql);
        }
        if (failure instanceof IOException) {
            return true;
        }
        return null;
    }

    private static @Nullable Boolean classify(SQLException failure) {
        if (failure instanceof SQLTransientException || failure instanceof SQLRecoverableException
                || failure instanceof SQLNonTransientConnectionException) {
            return true;
        }
        String state = failure.getSQLState();
        if (state == null || state.length() < 2) {
            return null;
        }
        return switch (state.substring(0, 2)) {
            case "08", "40", "53", "57" -> true;
            case "22", "23", "42" -> false;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return "DataAccessRetryPolicy";
    }
}

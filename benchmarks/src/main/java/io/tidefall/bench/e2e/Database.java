package io.tidefall.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's PostgreSQL, read through {@code psql} as its superuser over the Unix socket.
 * Every count comes from {@code pg_stat_statements}, read from the {@code postgres} database so
 * that reading it adds nothing to the counts of the databases the services write: unlike
 * {@code pg_stat_database}, which a backend flushes up to ten seconds late when it goes idle, it
 * is up to date as each statement ends.
 */
final class Database {

    private final String psql;
    private final String socket;
    private final int port;

    Database(String psql, String socket, int port) {
        this.psql = psql;
        this.socket = socket;
        this.port = port;
    }

    /**
     * What one database has executed so far. Every write of the sample runs in an explicit
     * transaction, so transactions are the {@code BEGIN}s (the extension does not see every
     * {@code COMMIT} the JDBC driver sends); statements count every execution it sees. Rows are
     * those the page views' and the presence writes stored, whether as {@code insert} or, as the
     * sample writes both idempotently, {@code merge}.
     */
    record Counts(long transactions, long statements, long insertedRows, long upsertedRows) {

        Counts plus(Counts other) {
            return new Counts(transactions + other.transactions, statements + other.statements,
                    insertedRows + other.insertedRows, upsertedRows + other.upsertedRows);
        }

        Counts minus(Counts before) {
            return new Counts(transactions - before.transactions, statements - before.statements,
                    insertedRows - before.insertedRows, upsertedRows - before.upsertedRows);
        }
    }

    Counts counts(String database) {
        String row = query("postgres", "select coalesce(sum(calls) filter (where query ~* '^\\s*begin'), 0),"
                + " coalesce(sum(calls), 0),"
                + " coalesce(sum(rows) filter (where query ~* '^\\s*(insert|merge)\\s+into\\s+page_views'), 0),"
                + " coalesce(sum(rows) filter (where query ~* '^\\s*(insert|merge)\\s+into\\s+user_presence'), 0)"
                + " from pg_stat_statements s join pg_database d on d.oid = s.dbid"
                + " where d.datname = '" + database + "'").get(0);
        String[] f = row.split("\t");
        return new Counts(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
    }

    /** Waits until {@code database} holds as many page views more than {@code before} as were accepted (at most 30 s). */
    void awaitInserted(String database, Counts before, long accepted) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (counts(database).minus(before).insertedRows() < accepted && System.nanoTime() < deadline) {
            Thread.sleep(100); // polls the database's counters; nothing to be told by
        }
    }

    /** Milliseconds from each page view's acceptance to the commit of its row, for paths starting with {@code prefix}. */
    double[] deliveryMillis(String database, String prefix) {
        List<String> rows = query(database, "select extract(epoch from (pg_xact_commit_timestamp(xmin) - received_at)) * 1000"
                + " from page_views where path like '" + prefix + "%'");
        double[] millis = new double[rows.size()];
        for (int i = 0; i < millis.length; i++) {
            millis[i] = Double.parseDouble(rows.get(i));
        }
        return millis;
    }

    List<String> query(String database, String sql) {
        ProcessBuilder builder = new ProcessBuilder(psql, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                "-h", socket, "-p", Integer.toString(port), "-U", "postgres", "-d", database, "-c", sql);
        builder.redirectErrorStream(true);
        try {
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("psql failed on " + sql + ": " + out);
            }
            List<String> lines = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line.trim());
                }
            }
            return lines;
        } catch (IOException failure) {
            throw new IllegalStateException("could not run " + psql, failure);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running psql", interrupted);
        }
    }
}

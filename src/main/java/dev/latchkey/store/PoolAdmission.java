package dev.latchkey.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;

/**
 * Jdbi's connections, taken from the pool by at most as many callers at once as it holds connections; the others wait
 * here, parked. HikariCP hands a returned connection to a waiting borrower by spinning ({@code Thread.yield}) until that
 * borrower takes it: with more requests than connections (32 clients, 16 connections) the returning thread spun on
 * every return, 6% of the node's samples in a full MFA login (issue 16, ninth session). Waiting here instead, the pool
 * never has a waiting borrower and never spins while it has its connections; the timeout is the pool's connection
 * timeout, as before (a caller let through can still wait in the pool as long again when the database gives it fewer
 * connections than its size: an outage, a connection being replaced). Not fair, like the pool (a thread may take a
 * permit given back before one that waits): a fair semaphore parked and woke a thread per connection given back, and
 * cost the validate row 11% more CPU where this one saved 10%.
 */
final class PoolAdmission implements ConnectionFactory {
    private final DataSource pool;
    private final Semaphore permits;
    private final long timeoutMillis;

    PoolAdmission(DataSource pool, int connections, long timeoutMillis) {
        this.pool = pool;
        this.permits = new Semaphore(connections, false);
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public Connection openConnection() throws SQLException {
        boolean admitted;
        try {
            // A free place first: taken even by a thread whose interrupt flag is set, as the pool's own fast path did.
            admitted = permits.tryAcquire() || permits.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while waiting for a database connection", e);
        }
        if (!admitted) {
            throw new SQLTransientConnectionException("no database connection became free within " + timeoutMillis + " ms");
        }
        try {
            return pool.getConnection();
        } catch (SQLException | RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    /** Callers waiting for a connection now (the meter {@code latchkey_db_connections_waiting}). */
    int waiting() {
        return permits.getQueueLength();
    }

    @Override
    public void closeConnection(Connection connection) throws SQLException {
        try {
            connection.close();
        } finally {
            permits.release();
        }
    }
}

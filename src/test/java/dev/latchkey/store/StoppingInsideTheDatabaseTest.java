package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's background threads (the purge, the audit writer, the outbox pollers, the idle timer, the SMTP senders) are
 * stopped before the database, and never interrupted: H2 reads and writes its file through an interruptible channel,
 * so a thread interrupted inside a statement closes the whole database under every other thread (the node's last
 * writes at stop, the audit trail's counted refusals among them, would fail).
 */
class StoppingInsideTheDatabaseTest {
    @TempDir
    Path dir;

    private static long count(Database db, String table) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE v = 'x'").mapTo(Long.class).one());
    }

    private static long count(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM sign_in_polls").mapTo(Long.class).one());
    }

    @Test
    void aPurgeStoppedWhileItDeletesLeavesTheDatabaseOpen() throws Exception {
        int rows = 60_000;
        try (Database db = new Database(Database.h2Url(dir), null, null, 4)) {
            db.jdbi().useHandle(h -> {
                h.execute("SET REFERENTIAL_INTEGRITY FALSE");
                h.execute("INSERT INTO sign_in_polls (client_hash, tenant_id, kind, created_at, expires_at) "
                        + "SELECT 'poll-' || X, 1, 'email', 0, 0 FROM SYSTEM_RANGE(1, " + rows + ")");
                h.execute("SET REFERENTIAL_INTEGRITY TRUE");
            });
            Purge purge = new Purge(db.jdbi(), Clock.systemUTC(), 1, 1);
            purge.startIn(0);
            // Stopped while it deletes a batch at a time (each batch is a statement of its own).
            for (int waited = 0; waited < 500 && count(db) == rows; waited++) {
                Thread.sleep(2);
            }
            long before = count(db);
            assertThat(before).as("the purge had started").isLessThan(rows);
            purge.close();
            long after = count(db);
            assertThat(after).as("the purge stopped between batches, not after all of them").isPositive();
            db.jdbi().useHandle(h -> h.execute("DELETE FROM sign_in_polls WHERE client_hash = 'poll-1'"));
            Thread.sleep(200);
            assertThat(count(db)).as("nothing deleted once stopped (but the statement above)").isBetween(after - 1, after);
        }
    }

    @Test
    void aThreadStoppedInsideAStatementIsWaitedForNotInterrupted() throws Exception {
        try (Database db = new Database(Database.h2Url(dir), null, null, 4)) {
            db.jdbi().useHandle(h -> h.execute("CREATE TABLE busy (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(20))"));
            long passes = 0;
            for (int round = 0; round < 5; round++) {
                ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor();
                worker.scheduleWithFixedDelay(() -> {
                    for (int i = 0; i < 100; i++) {
                        db.jdbi().useHandle(h -> h.execute("INSERT INTO busy (v) VALUES ('x')"));
                    }
                }, 0, 1, java.util.concurrent.TimeUnit.MILLISECONDS);
                long started = passes;
                for (int waited = 0; waited < 100 && count(db, "busy") <= started; waited++) {
                    Thread.sleep(10);
                }
                Background.stop(worker, "busy");
                db.jdbi().useHandle(h -> h.execute("INSERT INTO busy (v) VALUES ('after')"));
                assertThat(worker.isTerminated()).isTrue();
                long n = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM busy WHERE v = 'x'").mapTo(Long.class).one());
                assertThat(n % 100).as("whole passes only").isZero();
                assertThat(n).isGreaterThan(passes);
                passes = n;
            }
        }
    }

    /**
     * When H2 closes the database under the pool anyway (SHUTDOWN, a write that failed, an interrupt elsewhere), the pool
     * drops each connection that answers "database closed", and the next one opens the database again, even under
     * steady use (the pool tests an idle connection only after 0.5 s: requests every 50 ms got a dead one for good).
     */
    @Test
    void aDatabaseClosedUnderThePoolIsOpenedAgainByItsNextConnection() throws Exception {
        try (Database db = new Database(Database.h2Url(dir), null, null, 4)) {
            db.jdbi().useHandle(h -> h.execute("CREATE TABLE kept (id INT PRIMARY KEY)"));
            db.jdbi().useHandle(h -> h.execute("INSERT INTO kept VALUES (1)"));
            try {
                db.jdbi().useHandle(h -> h.execute("SHUTDOWN"));
            } catch (RuntimeException closedUnderItsOwnStatement) {
                // H2 may answer the statement that closed it with "database closed"
            }
            int failed = 0;
            boolean served = false;
            for (int tries = 0; tries < 40 && !served; tries++) {
                try {
                    served = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM kept").mapTo(Integer.class).one()) == 1;
                } catch (RuntimeException stale) {
                    failed++;
                    Thread.sleep(50);
                }
            }
            assertThat(served).as("served again within 2 s of requests every 50 ms").isTrue();
            assertThat(failed).as("each pooled connection fails once at most").isLessThanOrEqualTo(4);
            db.jdbi().useHandle(h -> h.execute("INSERT INTO kept VALUES (2)"));
        }
    }
}

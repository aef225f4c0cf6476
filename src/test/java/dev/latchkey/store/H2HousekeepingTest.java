package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default H2 store writes every commit before it returns (WRITE_DELAY=0), which stops H2's background writer and with
 * it the rewriting of chunks that keep a few live pages: {@link H2Housekeeping} runs that work instead, so the file's
 * table of chunks stays bounded while a node serves (without it, every commit's chunk that kept one live page stayed),
 * nothing committed is lost, and it stops with the database.
 */
class H2HousekeepingTest {
    @TempDir
    Path dir;

    private static long info(Database db, String name) {
        return db.jdbi().withHandle(h -> h.createQuery("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = :n")
                .bind("n", name).mapTo(Long.class).one());
    }

    @Test
    void chunksThatKeepAFewLivePagesAreRewrittenAndNothingCommittedIsLost() throws Exception {
        // The node keeps a chunk 5 s before it may be rewritten (H2 alone: 45 s); 0.2 s here, so that it happens within the test.
        String url = Database.h2Url(dir) + ";RETENTION_TIME=200";
        int rows = 20_000;
        Map<Integer, String> last = new HashMap<>();
        try (Database db = new Database(url, null, null, 2)) {
            assertThat(db.housekeeping()).isNotNull();
            db.jdbi().useHandle(h -> {
                h.execute("CREATE TABLE spread (id INT PRIMARY KEY, v VARCHAR(200))");
                var batch = h.prepareBatch("INSERT INTO spread VALUES (:id, 'first')");
                for (int i = 0; i < rows; i++) {
                    batch.bind("id", i).add();
                }
                batch.execute();
            });
            // 4,000 commits, each changing one row of a table spread over many pages: each chunk keeps live pages that
            // later commits do not overwrite.
            for (int i = 0; i < 4_000; i++) {
                int id = ThreadLocalRandom.current().nextInt(rows);
                String v = "v" + i + "-" + System.nanoTime();
                db.jdbi().useHandle(h -> h.createUpdate("UPDATE spread SET v = :v WHERE id = :id").bind("id", id).bind("v", v).execute());
                last.put(id, v);
            }
            long underLoad = info(db, "info.CHUNK_COUNT");
            long chunks = underLoad;
            // Without the housekeeping about 1,500 of the 4,000 chunks stay (each keeps live pages); with it about 300.
            for (int waited = 0; waited < 100 && chunks > 800; waited++) {
                Thread.sleep(100);
                chunks = info(db, "info.CHUNK_COUNT");
            }
            assertThat(chunks).as("chunks after the load (%d at its end)", underLoad).isLessThanOrEqualTo(800);
        }
        try (Database db = new Database(url, null, null, 2)) {
            Map<Integer, String> stored = new HashMap<>();
            db.jdbi().useHandle(h -> h.createQuery("SELECT id, v FROM spread WHERE v <> 'first'")
                    .map((rs, ctx) -> stored.put(rs.getInt(1), rs.getString(2))).list());
            assertThat(stored).isEqualTo(last);
            int count = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM spread").mapTo(Integer.class).one());
            assertThat(count).isEqualTo(rows);
        }
    }

    /**
     * The default store forces its file to disk every second, and so keeps old chunks 5 s instead of H2's 45 s (which
     * assumes the operating system has written them by then); a shorter retention given in the URL is kept.
     */
    @Test
    void theFileIsForcedToDiskEverySecondAndOldChunksAreKeptFiveSeconds() throws Exception {
        try (Database db = new Database(Database.h2Url(dir), null, null, 2)) {
            H2Housekeeping running = db.housekeeping();
            assertThat(running.retentionTime()).isEqualTo(5_000);
            for (int waited = 0; waited < 50 && running.syncs() < 2; waited++) {
                Thread.sleep(100);
            }
            assertThat(running.syncs()).isGreaterThanOrEqualTo(2);
        }
        try (Database db = new Database(Database.h2Url(dir) + ";RETENTION_TIME=300", null, null, 2)) {
            assertThat(db.housekeeping().retentionTime()).isEqualTo(300);
        }
    }

    @Test
    void itRunsOnlyWhereH2RunsNoWriterOfItsOwnAndStopsWithTheDatabase() {
        H2Housekeeping running;
        try (Database db = new Database(Database.h2Url(dir), null, null, 2)) {
            running = db.housekeeping();
            assertThat(running).isNotNull();
            assertThat(running.stopped()).isFalse();
        }
        assertThat(running.stopped()).isTrue();
        // A write delay: H2's own background writer does the housekeeping.
        try (Database db = new Database("jdbc:h2:file:" + dir.resolve("delayed") + ";WRITE_DELAY=500", null, null, 2)) {
            assertThat(db.housekeeping()).isNull();
        }
        // In memory: no file to keep.
        try (Database db = new Database("jdbc:h2:mem:housekeeping;DB_CLOSE_DELAY=-1;WRITE_DELAY=0", null, null, 2)) {
            assertThat(db.housekeeping()).isNull();
        }
    }

    /**
     * H2 closes a database when its last connection closes (the pool retires its connections after a while, all of an
     * age); the pool's next connection opens it again, with a new store: the housekeeping finds that store, and sets its
     * retention again.
     */
    @Test
    void aStoreH2ClosedAndOpenedAgainIsFoundAgain() throws Exception {
        try (Database db = new Database(Database.h2Url(dir), null, null, 2)) {
            H2Housekeeping running = db.housekeeping();
            org.h2.mvstore.MVStore first = running.store();
            for (int tries = 0; tries < 20 && !first.isClosed(); tries++) {
                db.evictIdleConnections();
                Thread.sleep(200);
            }
            assertThat(first.isClosed()).as("H2 closed the store with its last connection").isTrue();
            db.jdbi().useHandle(h -> h.execute("CREATE TABLE after_reopen (id INT)"));
            for (int waited = 0; waited < 50 && running.store() == first; waited++) {
                Thread.sleep(100);
            }
            assertThat(running.store()).isNotSameAs(first);
            assertThat(running.store().isClosed()).isFalse();
            assertThat(running.retentionTime()).isEqualTo(5_000);
            long syncs = running.syncs();
            for (int waited = 0; waited < 30 && running.syncs() < syncs + 2; waited++) {
                Thread.sleep(100);
            }
            assertThat(running.syncs()).isGreaterThanOrEqualTo(syncs + 2);
        }
    }
}

package dev.latchkey.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The connection pool, the migrations and Jdbi. H2 (an embedded file under the data directory) by default,
 * PostgreSQL when a JDBC URL is given. The same SQL runs on both.
 */
public final class Database implements AutoCloseable {
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final boolean h2;

    public Database(String url, String user, String password, int poolSize) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(url);
        if (user != null) {
            cfg.setUsername(user);
        }
        if (password != null) {
            cfg.setPassword(password);
        }
        cfg.setMaximumPoolSize(poolSize);
        cfg.setPoolName("latchkey");
        cfg.setConnectionTimeout(10_000);
        this.dataSource = new HikariDataSource(cfg);
        this.h2 = url.startsWith("jdbc:h2:");
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        this.jdbi = Jdbi.create(dataSource);
    }

    /**
     * The default store: an H2 file database in the data directory. WRITE_DELAY=0 writes every commit to the file
     * before the commit returns, so a node killed with SIGKILL loses nothing it answered (H2's default delays writes by
     * up to a second). An operating-system crash can still lose what the OS had not flushed; use PostgreSQL in production.
     */
    public static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("latchkey") + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0";
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean isH2() {
        return h2;
    }

    @Override
    public void close() {
        if (h2) {
            try {
                jdbi.useHandle(h -> h.execute("SHUTDOWN"));
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
        dataSource.close();
    }
}

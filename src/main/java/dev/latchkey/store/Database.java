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
    private final H2Housekeeping housekeeping;

    public Database(String url, String user, String password, int poolSize) {
        this(url, user, password, poolSize, null);
    }

    /** {@code metrics}: where the pool's meters go ({@code hikaricp_connections_*}, pool {@code latchkey}); null: nowhere. */
    public Database(String url, String user, String password, int poolSize, io.micrometer.core.instrument.MeterRegistry metrics) {
        HikariConfig cfg = new HikariConfig();
        if (metrics != null) {
            cfg.setMetricsTrackerFactory(new com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory(metrics));
        }
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
        this.h2 = url.startsWith("jdbc:h2:");
        if (h2) {
            cfg.setExceptionOverride(new com.zaxxer.hikari.SQLExceptionOverride() {
                @java.lang.Override
                public com.zaxxer.hikari.SQLExceptionOverride.Override adjudicate(java.sql.SQLException e) {
                    return h2Closed(e);
                }
            });
        }
        this.dataSource = new HikariDataSource(cfg);
        try {
            if (!current(dataSource)) {
                Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            }
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        PoolAdmission admission = new PoolAdmission(dataSource, poolSize, cfg.getConnectionTimeout());
        if (metrics != null) { // callers wait for a connection before the pool: its own pending count moves only in an outage
            io.micrometer.core.instrument.Gauge.builder("latchkey.db.connections.waiting", admission, PoolAdmission::waiting)
                    .description("Requests waiting for a database connection").register(metrics);
        }
        this.jdbi = Jdbi.create(admission);
        this.housekeeping = h2 ? H2Housekeeping.startIfNeeded(dataSource) : null;
    }

    /**
     * The newest migration this build carries: it carries V1 to this one, each once ({@code db/migration/V<n>__*.sql},
     * V8, V19, V20 and V21 in Java); a test holds it to the files.
     */
    public static final int SCHEMA_VERSION = 21;

    /**
     * Whether the database already holds exactly this build's schema: every migration up to {@link #SCHEMA_VERSION}
     * applied, none failed, none newer. Then Flyway is not started (loading and scanning it was a tenth of a node's
     * start); anything else, a new or older database, one a newer build migrated, a failed migration, goes to Flyway,
     * which migrates or says what is wrong.
     */
    static boolean current(javax.sql.DataSource dataSource) {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement st = c.createStatement()) {
            String schema = c.getSchema(); // where Flyway keeps its history: the connection's current schema
            if (schema == null) {
                return false;
            }
            // Asked first, so that a new database is not an error (H2 writes every failed statement to its trace file).
            try (java.sql.ResultSet tables = c.getMetaData().getTables(null, schema, "flyway_schema_history", null)) {
                if (!tables.next()) {
                    return false;
                }
            }
            try (java.sql.ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(CASE WHEN \"success\" THEN 0 ELSE 1 END),"
                    + " MAX(CAST(\"version\" AS INTEGER)) FROM \"" + schema.replace("\"", "\"\"")
                    + "\".\"flyway_schema_history\" WHERE \"version\" IS NOT NULL")) {
                return rs.next() && rs.getInt(1) == SCHEMA_VERSION && rs.getInt(2) == 0 && rs.getInt(3) == SCHEMA_VERSION;
            }
        } catch (java.sql.SQLException | RuntimeException e) {
            return false; // a history this query cannot read: Flyway decides
        }
    }

    /**
     * The default store: an H2 file database in the data directory. WRITE_DELAY=0 writes every commit to the file
     * before the commit returns, so a node killed with SIGKILL loses nothing it answered (H2's default delays writes by
     * up to a second). WRITE_DELAY=0 also stops H2's background writer and with it the rewriting of old chunks:
     * {@link H2Housekeeping} runs that instead (or the file grows for as long as the node serves), and forces the file to
     * disk every second, so an operating-system crash loses about the last second; use PostgreSQL in production.
     * QUERY_CACHE_SIZE: each connection keeps this many parsed statements (H2's default, 8, is fewer than one login runs,
     * so every statement was parsed again: 16% of a login's CPU). No page size is set: H2 2.3.232 splits its pages at 48 keys
     * or 16 KiB whatever PAGE_SIZE says (the setting reaches only an MVStore option it no longer reads), so an earlier
     * measurement of "4 KiB pages" (31% better to 16% worse per login) measured the same store twice.
     */
    public static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("latchkey")
                + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0;QUERY_CACHE_SIZE=256";
    }

    /**
     * What is wrong with a database URL before anything connects, or null: it must be a JDBC URL. The common slip, a
     * libpq URL (postgres://user:pw@host/db), is answered with its JDBC form.
     */
    public static String urlProblem(String url) {
        if (url.startsWith("jdbc:postgresql://") || url.startsWith("jdbc:h2:")) {
            return null;
        }
        String shown = shown(url);
        String example = "jdbc:postgresql://host:5432/db";
        String users = "";
        if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
            try {
                java.net.URI uri = new java.net.URI(url);
                if (uri.getHost() != null) {
                    example = "jdbc:postgresql://" + uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort())
                            + (uri.getPath() == null || uri.getPath().isEmpty() ? "/postgres" : uri.getPath());
                }
                if (uri.getUserInfo() != null) {
                    users = " with the user in --db-user" + (uri.getUserInfo().contains(":") ? " and the password in --db-password" : "");
                }
            } catch (java.net.URISyntaxException e) {
                // keep the generic example
            }
        }
        return "--db-url (LATCHKEY_DB_URL) must be a JDBC URL, not '" + shown + "': for PostgreSQL give --db-url " + example + users
                + " (the form is jdbc:postgresql://host:5432/db; without --db-url the store is the embedded H2 database).";
    }

    /** The pool's size: connections at most. */
    public int poolSize() {
        return dataSource.getMaximumPoolSize();
    }

    /**
     * The pool size a node takes when none is given ({@code --db-pool-size auto}) for the database at {@code url}: for a
     * PostgreSQL on this machine, whose backends share the node's processors, twice the processors plus one (HikariCP's
     * rule for a database's cores), at least 4 and at most {@link #DEFAULT_POOL_SIZE}; otherwise that. The embedded H2
     * keeps {@link #DEFAULT_POOL_SIZE}: it runs in the requests' own threads, and measured slower with 5 on two cores
     * (BENCHMARKS.md, thirteenth session).
     */
    public static int defaultPoolSize(String url, int processors) {
        return postgresOnThisMachine(url) ? Math.min(DEFAULT_POOL_SIZE, Math.max(4, 2 * processors + 1)) : DEFAULT_POOL_SIZE;
    }

    /** The default pool for a PostgreSQL on another machine, where each statement's network wait holds a connection longer, and for H2. */
    public static final int DEFAULT_POOL_SIZE = 16;

    /**
     * Whether {@code url} is a PostgreSQL URL whose every host is a loopback name or address (or none: pgjdbc's default is
     * localhost): the database shares this machine's processors with the node.
     */
    public static boolean postgresOnThisMachine(String url) {
        String rest = url.startsWith("jdbc:postgresql://") ? url.substring("jdbc:postgresql://".length()) : null;
        if (rest == null) {
            return false;
        }
        int end = rest.length();
        for (char c : new char[] {'/', '?'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        String hosts = rest.substring(0, end);
        hosts = hosts.substring(hosts.lastIndexOf('@') + 1); // a user before the host, if any
        if (hosts.isEmpty()) {
            return true;
        }
        for (String hostPort : hosts.split(",", -1)) {
            String host = hostPort.startsWith("[") ? hostPort.substring(1, Math.max(1, hostPort.indexOf(']')))
                    : hostPort.replaceFirst(":[0-9]*$", "");
            String h = host.toLowerCase(java.util.Locale.ROOT);
            boolean loopback = h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                    || h.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
            if (!loopback) {
                return false;
            }
        }
        return true;
    }

    /** The URL as it may be shown: no query string and no password before the host (either may carry one). */
    public static String shown(String url) {
        int cut = url.indexOf('?');
        String shown = cut < 0 ? url : url.substring(0, cut);
        return shown.replaceFirst("(//[^/@:]*):[^/@]*@", "$1:…@");
    }

    /** Whether opening failed because another process holds the H2 file (H2's error 90020, DATABASE_ALREADY_OPEN). */
    public static boolean isH2InUse(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getErrorCode() == 90020) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message of a failure to open the database, for one line. */
    public static String reason(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    javax.sql.DataSource dataSource() {
        return dataSource;
    }

    /**
     * A connection whose H2 database has closed (90098: closed, e.g. after SHUTDOWN or a write that failed; 90121: closed
     * while the statement ran) is dropped from the pool, so the next one opens the database again (H2 recovers its file
     * on opening). Hikari drops a connection only for a network error's SQLState (08...), which H2 does not give: without
     * this, a pool under steady load handed out its dead connections for good (it tests one only after 0.5 s idle).
     */
    private static com.zaxxer.hikari.SQLExceptionOverride.Override h2Closed(java.sql.SQLException e) {
        return e.getErrorCode() == org.h2.api.ErrorCode.DATABASE_IS_CLOSED || e.getErrorCode() == org.h2.api.ErrorCode.DATABASE_CALLED_AT_SHUTDOWN
                ? com.zaxxer.hikari.SQLExceptionOverride.Override.MUST_EVICT
                : com.zaxxer.hikari.SQLExceptionOverride.Override.CONTINUE_EVICT;
    }

    /** The H2 housekeeping this database runs, or null (PostgreSQL, or an H2 whose own writer thread does it). */
    H2Housekeeping housekeeping() {
        return housekeeping;
    }

    /** Closes the pool's idle connections, as its rotation of old ones does (tests: H2 closes when its last one goes). */
    void evictIdleConnections() {
        dataSource.getHikariPoolMXBean().softEvictConnections();
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public boolean isH2() {
        return h2;
    }

    /**
     * Closes the pool. For H2 that is also a clean close of the database: with DB_CLOSE_ON_EXIT=FALSE H2 closes it when
     * the last connection closes. (An explicit SHUTDOWN through Jdbi closed the database under the statement still
     * running it, and every later call on those connections wrote a stack trace to latchkey.trace.db.)
     */
    @Override
    public void close() {
        if (housekeeping != null) {
            housekeeping.close();
        }
        dataSource.close();
    }
}

package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Backend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node whose database already holds its schema does not start Flyway; any other database (new, older, migrated by a
 * newer build, with a failed migration) still goes through Flyway, on H2 and PostgreSQL.
 */
class SchemaVersionTest {
    @TempDir
    Path dir;

    @Test
    void theVersionIsTheNewestOfTheMigrationsThisBuildCarriesOnePerVersion() throws Exception {
        Pattern name = Pattern.compile("V(\\d+)__.+\\.(sql|java)");
        List<Integer> versions;
        try (Stream<Path> files = Stream.concat(Files.list(Path.of("src/main/resources/db/migration")),
                Files.list(Path.of("src/main/java/db/migration")))) {
            versions = files.map(p -> name.matcher(p.getFileName().toString())).filter(Matcher::matches)
                    .map(m -> Integer.parseInt(m.group(1))).sorted().toList();
        }
        assertThat(versions).isEqualTo(java.util.stream.IntStream.rangeClosed(1, Database.SCHEMA_VERSION).boxed().toList());
    }

    @Test
    void h2() throws Exception {
        String url = Database.h2Url(dir);
        try (Database db = new Database(url, null, null, 2, null)) {
            // A new database is no error: H2 writes every failed statement to its trace file, which operators read.
            Path trace = dir.resolve("latchkey.trace.db");
            assertThat(Files.exists(trace) ? Files.readString(trace) : "").doesNotContain("Exception");
        }
        check(url, null);
    }

    @Test
    void postgres() throws Exception {
        String url = Backend.freshPostgresSchema();
        try {
            check(url, Backend.PG_USER);
        } finally {
            Backend.dropPostgresSchema(url);
        }
    }

    private void check(String url, String user) throws Exception {
        String password = user == null ? null : Backend.PG_PASSWORD;
        try (Database db = new Database(url, user, password, 2, null)) {
            assertThat(Database.current(db.dataSource())).isTrue(); // migrated by Flyway on this first open
        }
        try (Database db = new Database(url, user, password, 2, null)) {
            assertThat(Database.current(db.dataSource())).isTrue(); // opened again without Flyway
            int accounts = db.jdbi().withHandle(h -> h.select("SELECT COUNT(*) FROM accounts").mapTo(Integer.class).one());
            assertThat(accounts).isZero();
        }
        // A failed migration in the history: not current, and Flyway (not this check) says what is wrong.
        exec(url, user, "UPDATE \"flyway_schema_history\" SET \"success\" = FALSE WHERE \"version\" = '" + Database.SCHEMA_VERSION + "'");
        try (Database db = new Database(url, user, password, 2, null)) {
            throw new AssertionError("opened over a failed migration");
        } catch (RuntimeException e) {
            assertThat(e.getClass().getName()).startsWith("org.flywaydb");
        }
        exec(url, user, "UPDATE \"flyway_schema_history\" SET \"success\" = TRUE WHERE \"version\" = '" + Database.SCHEMA_VERSION + "'");
        // A newer build's migration in the history: not current, and Flyway lets this older build run as it always did
        // (a future migration is ignored by default).
        exec(url, user, "INSERT INTO \"flyway_schema_history\" (\"installed_rank\", \"version\", \"description\", \"type\", \"script\","
                + " \"checksum\", \"installed_by\", \"installed_on\", \"execution_time\", \"success\") VALUES (99, '"
                + (Database.SCHEMA_VERSION + 1) + "', 'newer', 'SQL', 'V" + (Database.SCHEMA_VERSION + 1)
                + "__newer.sql', 0, 'test', CURRENT_TIMESTAMP, 0, TRUE)");
        try (Database db = new Database(url, user, password, 2, null)) {
            assertThat(Database.current(db.dataSource())).isFalse();
        }
    }

    private static void exec(String url, String user, String sql) throws Exception {
        try (Connection c = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, Backend.PG_PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

package dev.latchkey.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * The stores a test suite runs on. PostgreSQL comes from LATCHKEY_TEST_PG_URL (default
 * jdbc:postgresql://127.0.0.1:5432/test, user LATCHKEY_TEST_PG_USER or "postgres"); each suite gets its own schema.
 * Without a reachable server the PostgreSQL suites are skipped, loudly, unless LATCHKEY_TEST_PG_REQUIRED=true,
 * which makes them fail instead (CI sets it).
 */
public enum Backend {
    H2, POSTGRES;

    public static final String PG_URL = env("LATCHKEY_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
    public static final String PG_USER = env("LATCHKEY_TEST_PG_USER", "postgres");
    public static final String PG_PASSWORD = env("LATCHKEY_TEST_PG_PASSWORD", "");
    public static final boolean PG_REQUIRED = Boolean.parseBoolean(env("LATCHKEY_TEST_PG_REQUIRED", "false"));

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** A new, empty PostgreSQL schema and the JDBC URL that uses it; skips (or fails, when required) without a server. */
    public static String freshPostgresSchema() {
        String schema = "lk_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            if (PG_REQUIRED) {
                throw new IllegalStateException("PostgreSQL is required (LATCHKEY_TEST_PG_REQUIRED=true) but " + PG_URL + " failed: " + e.getMessage(), e);
            }
            System.err.println("\n**********************************************************************\n"
                    + "* SKIPPING PostgreSQL tests: " + PG_URL + " is not reachable (" + e.getMessage() + ")\n"
                    + "* Set LATCHKEY_TEST_PG_URL, or LATCHKEY_TEST_PG_REQUIRED=true to fail.\n"
                    + "**********************************************************************\n");
            Assumptions.abort("PostgreSQL not reachable at " + PG_URL);
        }
        return PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    public static void dropPostgresSchema(String url) {
        String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (SQLException ignored) {
            // best effort
        }
    }
}

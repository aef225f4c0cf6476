package dev.latchkey.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.support.Backend;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A database from before identifiers were compared on a Unicode key: the migration rewrites each key and skeleton, keeps
 * plain ones, and never merges two accounts whose identifiers now compare equal (the second keeps its old form).
 */
class IdentifierMigrationTest {
    @ParameterizedTest
    @EnumSource(Backend.class)
    void existingIdentifiersGetTheirUnicodeKeys(Backend backend) {
        javax.sql.DataSource ds;
        String pgUrl = null;
        if (backend == Backend.H2) {
            JdbcDataSource h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:migration-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
            ds = h2;
        } else {
            pgUrl = Backend.freshPostgresSchema();
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setURL(pgUrl);
            pg.setUser(Backend.PG_USER);
            pg.setPassword(Backend.PG_PASSWORD);
            ds = pg;
        }
        try {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("6").load().migrate();
            Jdbi jdbi = Jdbi.create(ds);
            jdbi.useHandle(h -> {
                h.execute("INSERT INTO tenants (api_key, api_secret_hash, api_secret_enc, name, settings, created_at, modified_at) "
                        + "VALUES ('k', 'h', 'e', 'T', '{}', 0, 0)");
                long t = h.createQuery("SELECT id FROM tenants").mapTo(Long.class).one();
                for (String uid : List.of("u1", "u2", "u3")) {
                    h.execute("INSERT INTO accounts (uid, tenant_id, profile, is_active, email_verified, created_at, modified_at) "
                            + "VALUES (?, ?, '{}', TRUE, FALSE, 0, 0)", uid, t);
                }
                // Keys as the old code stored them: lower-cased with the root locale.
                h.execute("INSERT INTO account_identifiers (tenant_id, kind, ident, uid) VALUES (?, 'email', 'straße@example.com', 'u1')", t);
                h.execute("INSERT INTO account_identifiers (tenant_id, kind, ident, uid) VALUES (?, 'email', 'ann@example.com', 'u2')", t);
                h.execute("INSERT INTO account_identifiers (tenant_id, kind, ident, uid) VALUES (?, 'email', 'ａnn@example.com', 'u3')", t);
                h.execute("INSERT INTO account_identifiers (tenant_id, kind, ident, uid) VALUES (?, 'username', 'ｋate', 'u3')", t);
            });
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            List<String> rows = jdbi.withHandle(h -> h.createQuery("SELECT uid || ' ' || kind || ' ' || ident || ' ' || skeleton FROM account_identifiers ORDER BY uid, kind")
                    .mapTo(String.class).list());
            assertThat(rows).containsExactly(
                    "u1 email strasse@example.com " + Identifiers.skeleton("strasse@example.com"),
                    "u2 email ann@example.com " + Identifiers.skeleton("ann@example.com"),
                    "u3 email ａnn@example.com " + Identifiers.skeleton("ａnn@example.com"),
                    "u3 username kate " + Identifiers.skeleton("kate"));
        } finally {
            if (pgUrl != null) {
                Backend.dropPostgresSchema(pgUrl);
            }
        }
    }
}

package dev.latchkey.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.support.ServerContract;
import dev.latchkey.support.TestServer.TestTenant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * V20 (issue 16): the token tables every login writes keep their foreign key to the account and no longer have one to
 * the tenant, whose check cost each insert a share lock on the tenant's row (PostgreSQL) or an index of its own (H2). The
 * account's key still refuses a token row for an account that does not exist, and still takes an account's tokens with it.
 */
abstract class TokenForeignKeysContract extends ServerContract {
    private static final List<String> TABLES = List.of("second_factor_tokens", "access_tokens", "refresh_tokens");

    private List<String> foreignKeyColumns(String table) {
        return s.server.jdbi().withHandle(h -> h.createQuery("""
                        SELECT LOWER(k.column_name) FROM information_schema.table_constraints tc
                        JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema
                            AND k.constraint_name = tc.constraint_name AND k.table_name = tc.table_name
                        WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = CURRENT_SCHEMA AND LOWER(tc.table_name) = :t""")
                .bind("t", table).mapTo(String.class).list());
    }

    @Test
    void theTokenTablesReferenceTheAccountAndNotTheTenant() {
        for (String table : TABLES) {
            assertThat(foreignKeyColumns(table)).as(table).containsExactly("uid");
        }
        // The tables that are not written at every login keep their tenant key.
        assertThat(foreignKeyColumns("accounts")).containsExactly("tenant_id");
    }

    @Test
    void aTokenRowForAnAccountThatDoesNotExistIsRefusedByTheDatabase() {
        TestTenant t = s.mfaTenant(false);
        String uid = t.account("fk." + UUID.randomUUID() + "@example.com", "correct horse 1");
        long tenant = s.server.jdbi().withHandle(h -> h.createQuery("SELECT tenant_id FROM accounts WHERE uid = :u").bind("u", uid)
                .mapTo(Long.class).one());
        for (String table : TABLES) {
            String insert = "INSERT INTO " + table + " (token_hash, tenant_id, uid, created_at, expires_at) VALUES (:h, :t, :u, 0, 1)";
            assertThatThrownBy(() -> s.server.jdbi().useHandle(h -> h.createUpdate(insert).bind("h", "fk-" + UUID.randomUUID())
                    .bind("t", tenant).bind("u", UUID.randomUUID().toString()).execute())).as(table)
                    .satisfies(e -> assertThat(e.getMessage().toLowerCase(java.util.Locale.ROOT)).contains("foreign key"));
            s.server.jdbi().useHandle(h -> h.createUpdate(insert).bind("h", "fk-" + UUID.randomUUID()).bind("t", tenant).bind("u", uid).execute());
        }
        assertThat(t.manage("DELETE", "/identity/v2/manage/account/" + uid, null).status()).isEqualTo(200);
        for (String table : TABLES) {
            int left = s.server.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE uid = :u").bind("u", uid)
                    .mapTo(Integer.class).one());
            assertThat(left).as(table).isZero();
        }
    }
}

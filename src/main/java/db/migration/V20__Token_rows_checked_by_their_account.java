package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Issue 16: the token tables written by every login (second_factor_tokens, access_tokens, refresh_tokens) lose their
 * foreign key to tenants. Each row's uid references its account (ON DELETE CASCADE), whose own tenant_id references the
 * tenant, so the tenant's key says nothing the account's does not: a token row can only name an account that exists,
 * and an account only a tenant that exists. The check cost each insert a lookup of the tenant's row, which on PostgreSQL
 * takes a share lock on it (FOR KEY SHARE): with every concurrent login of a tenant locking the same row, PostgreSQL
 * keeps a multixact of its lockers. On H2 the key kept an index of its own (one more B-tree written per insert).
 * Deleting a tenant deletes these rows itself ({@code TenantStore.delete}), as it did already.
 * A Java migration because the constraints were created without names: each database named them its own way.
 */
public final class V20__Token_rows_checked_by_their_account extends BaseJavaMigration {
    static final String[] TABLES = {"second_factor_tokens", "access_tokens", "refresh_tokens"};

    @Override
    public void migrate(Context context) throws SQLException {
        for (String table : TABLES) {
            dropForeignKeys(context.getConnection(), table, "tenant_id");
        }
    }

    /** Drops {@code table}'s foreign keys on {@code column}, whatever the database named them (also used by V21). */
    static void dropForeignKeys(Connection c, String table, String column) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement q = c.prepareStatement("""
                SELECT tc.constraint_name FROM information_schema.table_constraints tc
                JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema
                    AND k.constraint_name = tc.constraint_name AND k.table_name = tc.table_name
                WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = CURRENT_SCHEMA
                    AND LOWER(tc.table_name) = ? AND LOWER(k.column_name) = ?""")) {
            q.setString(1, table);
            q.setString(2, column);
            try (ResultSet r = q.executeQuery()) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
        }
        try (Statement s = c.createStatement()) {
            for (String name : names) {
                s.execute("ALTER TABLE " + table + " DROP CONSTRAINT \"" + name.replace("\"", "\"\"") + "\"");
            }
        }
    }
}
